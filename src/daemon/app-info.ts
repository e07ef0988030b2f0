/**
 * What `ls`, `describe` and `--json` show for an app, built from the
 * app's stored phase and the last status its primary reported. Restart counts
 * add what earlier primaries of the app counted, so they survive a
 * stop/start and a primary restart.
 */
import type { AppInfo, AppStatus, WorkerInfo } from '../protocol/types';
import { servingWorkers, withWorkerDefaults } from '../protocol/workers';
import { busyOp } from './lifecycle/app-phase';
import type { AppEntry } from './registry';

export function toAppInfo(entry: AppEntry): AppInfo {
  return {
    name: entry.name,
    status: appStatus(entry),
    primaryPid: primaryPid(entry),
    spec: entry.spec,
    workers: workersOf(entry),
    createdAt: entry.createdAt,
    ...triggersOf(entry),
  };
}

/** The watcher's and the schedule's state, as the running primary last reported them. */
function triggersOf(entry: AppEntry): Pick<AppInfo, 'watch' | 'cron'> {
  const live = entry.primary && !entry.primary.isGone ? entry.status : null;
  return { watch: live?.watch ?? null, cron: live?.cron ?? null };
}

function primaryPid(entry: AppEntry): number | null {
  if (entry.primary && !entry.primary.isGone) return entry.primary.pid;
  // Not ours to command, but it runs: say which process it is.
  return entry.phase.kind === 'incompatible' ? entry.phase.pid : null;
}

/** Restarts of an instance counted by the app's earlier primaries. */
function offset(entry: AppEntry, instance: number): number {
  return entry.restartOffsets[String(instance)] ?? 0;
}

function workersOf(entry: AppEntry): WorkerInfo[] {
  if (entry.primary && entry.status) {
    return entry.status.workers.map((w) =>
      withWorkerDefaults({ ...w, restarts: w.restarts + offset(entry, w.instance) }),
    );
  }
  // A primary being launched: its workers as they fork, each launching with its pid.
  if (!entry.primary && entry.launching)
    return entry.launching.workers.map((w) =>
      withWorkerDefaults({ ...w, restarts: w.restarts + offset(entry, w.instance) }),
    );
  // The primary died and a new one is on its way, or it could not be kept running: show each instance, with why.
  const phase = entry.phase;
  if (phase.kind === 'reviving') return placeholders(entry, 'waiting-restart', phase.reason, phase.restartAt);
  if (phase.kind === 'gave-up' || phase.kind === 'incompatible')
    return placeholders(entry, 'errored', phase.reason, null);
  return [];
}

/** One row per instance of an app that has no primary to report its workers. */
function placeholders(
  entry: AppEntry,
  status: 'waiting-restart' | 'errored',
  reason: string,
  restartAt: number | null,
): WorkerInfo[] {
  return Array.from({ length: entry.spec.instances }, (_, instance) => ({
    instance,
    pid: null,
    status,
    restarts: offset(entry, instance),
    startedAt: null,
    cpu: null,
    memory: null,
    lastExit: null,
    reason,
    role: 'serving',
    restartAt,
  }));
}

export function appStatus(entry: AppEntry): AppStatus {
  const phase = entry.phase;
  switch (phase.kind) {
    case 'stopping':
      return 'stopping';
    case 'stopped':
      return 'stopped';
    case 'gave-up':
    case 'incompatible':
      return 'errored';
    case 'reviving':
      return 'launching';
    case 'scaling':
      if (!entry.primary || !entry.status) return appStatus({ ...entry, phase: phase.prior });
      break;
    default:
      break;
  }
  if (!entry.primary || !entry.status) return 'launching';
  const busy = entry.status.busy ?? busyOp(phase);
  if (busy === 'reload') return 'reloading';
  if (busy === 'stop') return 'stopping';
  return fromWorkers(servingWorkers(entry.status.workers));
}

/** A running primary's app, summed up from its serving workers (one per instance). */
function fromWorkers(workers: WorkerInfo[]): AppStatus {
  if (workers.length === 0) return 'launching';
  const count = (s: WorkerInfo['status']): number => workers.filter((w) => w.status === s).length;
  const online = count('online');
  if (online === workers.length) return 'online';
  if (online === 0) {
    if (count('errored') === workers.length) return 'errored';
    if (count('launching') + count('waiting-restart') === workers.length) return 'launching';
    if (count('stopping') + count('stopped') === workers.length) return 'stopping';
  }
  return 'degraded';
}
