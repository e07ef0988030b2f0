/**
 * What `ls`, `describe` and `--json` show for an app, built from the
 * registry entry and the last status its primary reported. Restart counts
 * add what earlier primaries of the app counted, so they survive a
 * stop/start and a primary restart.
 */
import type { AppInfo, AppStatus, WorkerInfo } from '../protocol/types';
import type { AppEntry } from './registry';

export function toAppInfo(entry: AppEntry): AppInfo {
  return {
    name: entry.name,
    status: appStatus(entry),
    primaryPid: entry.primary && !entry.primary.isGone ? entry.primary.pid : null,
    spec: entry.spec,
    workers: workersOf(entry),
    createdAt: entry.createdAt,
  };
}

/** Restarts of an instance counted by the app's earlier primaries. */
function offset(entry: AppEntry, instance: number): number {
  return entry.restartOffsets[String(instance)] ?? 0;
}

function workersOf(entry: AppEntry): WorkerInfo[] {
  if (entry.primary && entry.status) {
    return entry.status.workers.map((w) => ({ ...w, restarts: w.restarts + offset(entry, w.instance) }));
  }
  // The primary died and a new one is on its way, or it could not be kept running: show each instance, with why.
  if (entry.recovery) return placeholders(entry, 'waiting-restart', entry.recovery.reason);
  if (entry.failure !== null && entry.desired === 'running') return placeholders(entry, 'errored', entry.failure);
  return [];
}

/** One row per instance of an app that has no primary to report its workers. */
function placeholders(entry: AppEntry, status: 'waiting-restart' | 'errored', reason: string): WorkerInfo[] {
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
  }));
}

export function appStatus(entry: AppEntry): AppStatus {
  if (entry.op === 'stop' || entry.op === 'delete' || entry.op === 'kill') return 'stopping';
  if (!entry.primary || !entry.status) {
    if (entry.recovery || entry.op === 'start' || entry.op === 'resume') return 'launching';
    if (entry.desired === 'running' && entry.failure !== null) return 'errored';
    return entry.desired === 'running' ? 'launching' : 'stopped';
  }
  const busy = entry.status.busy ?? entry.op;
  if (busy === 'reload') return 'reloading';
  if (busy === 'stop') return 'stopping';
  const workers = entry.status.workers;
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
