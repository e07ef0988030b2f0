/** Small pieces several verbs share: targets, spec overrides, restart counts, running on many apps. */
import type { LifecycleOverrides, PrimaryStatus } from '../protocol/api';
import type { AppSpec } from '../protocol/types';
import { servingWorkers } from '../protocol/workers';
import type { AppEntry } from './registry';

/** `all` leaves out the apps someone stopped on purpose; a name is taken as asked, stopped or not. */
export function forTarget(entries: AppEntry[], target: string): AppEntry[] {
  return target === 'all' ? entries.filter((e) => e.desired === 'running') : entries;
}

/**
 * The status an operation replied with describes the app after it, but the
 * primary builds it before it clears its busy flag (and its "not busy" event
 * can reach us before the reply): the operation is over, so it is not busy.
 */
export function settled(status: PrimaryStatus): PrimaryStatus {
  return status.busy === null ? status : { ...status, busy: null };
}

/** Adds the restarts a primary counted to the entry, so they survive it; a crash replaces every worker once more. */
export function foldRestarts(entry: AppEntry, status: PrimaryStatus | null, crashed: boolean): void {
  if (!status) return;
  const seen = new Set<number>();
  for (const w of servingWorkers(status.workers)) {
    if (seen.has(w.instance)) continue;
    seen.add(w.instance);
    const key = String(w.instance);
    const extra = crashed && w.pid !== null ? 1 : 0;
    entry.restartOffsets[key] = (entry.restartOffsets[key] ?? 0) + w.restarts + extra;
  }
}

export function withOverrides(spec: AppSpec, overrides: LifecycleOverrides, env?: Record<string, string>): AppSpec {
  const next: AppSpec = { ...spec };
  if (overrides.waitReady !== undefined) next.waitReady = overrides.waitReady;
  if (overrides.listenTimeout !== undefined) next.listenTimeout = overrides.listenTimeout;
  if (overrides.killTimeout !== undefined) next.killTimeout = overrides.killTimeout;
  if (overrides.stopSignal !== undefined) next.stopSignal = overrides.stopSignal;
  if (env !== undefined) next.env = { ...env };
  return next;
}

/** Runs `fn` on every entry, persists, then throws the first failure (the others still ran). */
export async function settleAll(
  entries: AppEntry[],
  fn: (entry: AppEntry) => Promise<void>,
  persist: () => void,
): Promise<void> {
  const results = await Promise.allSettled(entries.map(fn));
  persist();
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
