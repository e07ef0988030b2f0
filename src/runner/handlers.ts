/**
 * The daemon-compatible socket of `clusterctl run`: the daemon's own
 * handlers for what makes sense in a container (`docker exec ... clusterctl
 * ls`, `describe`, `reload`, `scale`, `restart`, `flush`, `reload-logs`),
 * and a clear refusal for what would fight the container's owner: the apps
 * run are fixed by the command line, and the container stops with it.
 */
import type { DaemonMethod } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import type { Handler } from '../protocol/rpc-server';
import type { DaemonContext } from '../daemon/context';
import { daemonHandlers } from '../daemon/handlers';

const SERVED: ReadonlySet<DaemonMethod> = new Set<DaemonMethod>([
  'hello',
  'ping',
  'list',
  'describe',
  'reload',
  'scale',
  'restart',
  'flush',
  'reloadLogs',
]);

function refused(method: string): Handler {
  return () => {
    throw new ClusterctlError(
      'E_NOT_AVAILABLE',
      `${method} is not available under clusterctl run: the apps are the ones its command line names; stop the container (or send SIGTERM) to stop them`,
    );
  };
}

export function runnerHandlers(ctx: DaemonContext): Record<DaemonMethod, Handler> {
  const all = daemonHandlers(ctx);
  const out = { ...all };
  for (const method of Object.keys(all) as DaemonMethod[]) if (!SERVED.has(method)) out[method] = refused(method);
  return out;
}
