import { ClusterctlError } from '../../protocol/errors';
import { MAX_SOCKET_PATH_BYTES, groupSocketPath, primarySocketPath } from '../../protocol/paths';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo, AppSpec } from '../../protocol/types';
import { toAppInfo } from '../app-info';
import type { AppManager } from '../apps';
import type { DaemonContext } from '../context';

function checkName(home: string, name: string, group: string | null): void {
  if (name === 'all') throw new ClusterctlError('E_BAD_NAME', 'app name "all" is reserved (it means every app)');
  const socket = primarySocketPath(home, name);
  if (group !== null && Buffer.byteLength(groupSocketPath(home, group)) > MAX_SOCKET_PATH_BYTES) {
    throw new ClusterctlError(
      'E_BAD_NAME',
      `primary group ${group} makes its host's socket path ${Buffer.byteLength(groupSocketPath(home, group))} bytes long (at most ${MAX_SOCKET_PATH_BYTES}); use a shorter group name or a shorter CLUSTERCTL_HOME`,
    );
  }
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    // The kernel refuses longer Unix socket paths (sun_path is 108 bytes with its terminator).
    throw new ClusterctlError(
      'E_BAD_NAME',
      `app name ${name} makes its control socket path ${Buffer.byteLength(socket)} bytes long (at most ${MAX_SOCKET_PATH_BYTES}); use a shorter name or a shorter CLUSTERCTL_HOME`,
    );
  }
}

/** `clusterctl start <script>`: a new app; if no primary could run it, nothing is registered. */
export async function startApp(manager: AppManager, spec: AppSpec): Promise<AppInfo> {
  const { registry, logger } = manager;
  manager.refuseWhileShuttingDown();
  checkName(manager.deps.home, spec.name, spec.primaryGroup);
  const entry = registry.add(spec, { phase: { kind: 'starting', op: 'start' }, registered: false });
  const starting = entry.phase;
  try {
    await manager.launch(entry);
  } catch (err) {
    if (entry.primary) {
      // A worker did not come online, but the primary runs and its restart
      // policy has the instance (backoff, then errored): the app exists and
      // `ls` shows why; the caller still gets the error and exits 1.
      entry.registered = true;
      if (entry.phase === starting) registry.transition(entry, { type: 'settled' });
      registry.persist();
    } else {
      registry.remove(spec.name);
    }
    throw err;
  }
  // `kill` may have overtaken the start: then it owns the phase.
  if (entry.phase === starting) registry.transition(entry, { type: 'settled' });
  entry.registered = true;
  registry.persist();
  logger.info({ app: spec.name, instances: spec.instances, primaryPid: entry.primary?.pid }, 'app started');
  return toAppInfo(entry);
}

export function startHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo> => {
    const { spec } = parseWith(daemonParamSchemas.start, params, 'start params');
    return startApp(ctx.manager, spec);
  };
}
