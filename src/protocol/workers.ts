/**
 * Reading the worker rows of a status: an instance has one serving row, and
 * during a replacement (reload, memory limit) also the new process coming
 * online and the old one draining. Whatever counts instances (app status,
 * readiness, metrics, restart totals) counts serving rows only.
 */
import type { WorkerInfo, WorkerRole } from './types';

/** A row's role; a primary of an earlier build sends only serving rows, without the field. */
export function workerRole(w: Pick<WorkerInfo, 'role'>): WorkerRole {
  return w.role ?? 'serving';
}

/** The one row per instance that counts: not replacements coming online, not retiring processes. */
export function servingWorkers<W extends Pick<WorkerInfo, 'role'>>(workers: readonly W[]): W[] {
  return workers.filter((w) => workerRole(w) === 'serving');
}

/** The row with both fields a primary of an earlier build does not send, defaulted (what `ls --json` shows). */
export function withWorkerDefaults(w: WorkerInfo): WorkerInfo & Required<Pick<WorkerInfo, 'role' | 'restartAt'>> {
  return { ...w, role: workerRole(w), restartAt: w.restartAt ?? null };
}
