/**
 * When `clusterctl run` must end on its own, and with which exit code, from
 * the apps as `ls` sees them. Pure: the runner asks it after every change.
 *
 * - A worker the restart policy gave up on (errored), or an app whose
 *   primary could not be kept running: the apps cannot be kept up, exit 1,
 *   so the orchestrator (Kubernetes, systemd, docker's restart policy)
 *   restarts the container rather than leaving it with lost capacity.
 * - Every worker of every app stopped for good (autorestart off, a stop exit
 *   code): one app with one instance exits with that process's own code
 *   (128+n when signal n killed it), as if it were the container's process;
 *   otherwise 0 when every one exited 0, else 1.
 * - Anything else (starting, online, waiting to restart, scaled to 0): keep running.
 */
import { constants } from 'node:os';
import type { AppInfo, ExitRecord, WorkerInfo } from '../protocol/types';

export interface Verdict {
  code: number;
  why: string;
}

export const EXIT_GAVE_UP = 1;

/** The shell's convention for a process: its code, or 128 + the signal number. */
export function exitCodeOf(exit: ExitRecord | null): number {
  if (exit === null) return 1;
  if (exit.code !== null) return exit.code;
  const n = exit.signal === null ? undefined : (constants.signals as Record<string, number | undefined>)[exit.signal];
  return n === undefined ? 1 : 128 + n;
}

function isTerminallyStopped(w: WorkerInfo): boolean {
  return w.status === 'stopped' && w.lastExit !== null;
}

export function verdict(apps: readonly AppInfo[]): Verdict | null {
  for (const app of apps) {
    const errored = app.workers.find((w) => w.status === 'errored');
    if (errored)
      return {
        code: EXIT_GAVE_UP,
        why: `${app.name}:${errored.instance} was given up on (${errored.reason ?? 'crash loop'})`,
      };
    if (app.status === 'errored' && app.workers.length === 0)
      return { code: EXIT_GAVE_UP, why: `${app.name}: its app primary could not be kept running` };
  }
  const workers = apps.flatMap((a) => a.workers);
  if (apps.length === 0 || workers.length === 0 || !workers.every(isTerminallyStopped)) return null;
  if (apps.length === 1 && workers.length === 1) {
    const [only] = workers as [WorkerInfo];
    const code = exitCodeOf(only.lastExit);
    return { code, why: `${apps[0]?.name ?? '?'}:${only.instance} exited and is not restarted (exit code ${code})` };
  }
  const failed = workers.filter((w) => exitCodeOf(w.lastExit) !== 0).length;
  return {
    code: failed === 0 ? 0 : 1,
    why: `every worker exited and none is restarted (${failed} of ${workers.length} with a non-zero code)`,
  };
}
