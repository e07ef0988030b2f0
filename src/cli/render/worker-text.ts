/**
 * How a worker row reads, shared by `ls`, `describe` and monit: the instance
 * label (a replacement coming online and a replaced process draining show
 * next to the instance's serving row) and the reason, whose restart
 * countdown is counted from `restartAt` at the moment the text is printed.
 */
import type { WorkerInfo } from '../../protocol/types';
import { workerRole } from '../../protocol/workers';

/** `1`, `1 (new)` for a replacement coming online, `1 (old)` for a replaced process draining. */
export function instanceLabel(w: Pick<WorkerInfo, 'instance' | 'role'>): string {
  const role = workerRole(w);
  if (role === 'replacement') return `${w.instance} (new)`;
  if (role === 'retiring') return `${w.instance} (old)`;
  return String(w.instance);
}

/**
 * The reason as of `now`: a waiting restart gets "; restarting in N ms" (or
 * "now") from `restartAt`. A primary of an earlier build sends no
 * `restartAt` and put its own (frozen) countdown in the text: shown as sent.
 */
export function reasonText(w: Pick<WorkerInfo, 'status' | 'reason' | 'restartAt'>, now: number): string | null {
  const left = restartLeftMs(w, now);
  if (left === null) return w.reason;
  const countdown = left > 0 ? `restarting in ${left} ms` : 'restarting now';
  return w.reason === null || w.reason === '' ? countdown : `${w.reason}; ${countdown}`;
}

/**
 * Whole ms until a waiting row's restart as of `now` (0 once due), or null
 * for a row that is not waiting or comes from a primary that sends no
 * `restartAt`. The dashboard's script has its own copy of this rule
 * (src/daemon/http/dashboard-countdown.ts); test/unit/countdown.test.ts keeps the two equal.
 */
export function restartLeftMs(w: Pick<WorkerInfo, 'status' | 'restartAt'>, now: number): number | null {
  const at = w.restartAt ?? null;
  if (w.status !== 'waiting-restart' || at === null) return null;
  return Math.max(0, Math.ceil(at - now));
}

/** Rows in reading order: by instance, and within one, the oldest process first. */
export function sortedWorkers(workers: readonly WorkerInfo[]): WorkerInfo[] {
  return [...workers].sort((a, b) => a.instance - b.instance || (a.startedAt ?? 0) - (b.startedAt ?? 0));
}
