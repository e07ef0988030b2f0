/** Small pieces several verbs share: targets, spec overrides, restart counts, running on many apps. */
import type { LifecycleOverrides, PrimaryStatus } from '../protocol/api';
import type { AppSpec } from '../protocol/types';
import { servingWorkers } from '../protocol/workers';
import { ClusterctlError } from '../protocol/errors';
import type { AppEntry } from './registry';

/**
 * A set of apps (`all`, a namespace: Registry.isSet) leaves out the apps
 * someone stopped on purpose; a name is taken as asked, stopped or not.
 */
export function forTarget(entries: AppEntry[], isSet: boolean): AppEntry[] {
  return isSet ? entries.filter((e) => e.desired === 'running') : entries;
}

/**
 * The status an operation replied with describes the app after it, but the
 * primary builds it before it clears its busy flag (and its "not busy" event
 * can reach us before the reply): the operation is over, so it is not busy.
 */
export function settled(status: PrimaryStatus): PrimaryStatus {
  return status.busy === null ? status : { ...status, busy: null };
}

/** Each instance's serving worker in `status`, once (a replacement row shares its instance). */
function servingOnce(status: PrimaryStatus): PrimaryStatus['workers'] {
  const seen = new Set<number>();
  return servingWorkers(status.workers).filter((w) => {
    if (seen.has(w.instance)) return false;
    seen.add(w.instance);
    return true;
  });
}

function addRestarts(entry: AppEntry, instance: number, n: number): void {
  const key = String(instance);
  entry.restartOffsets[key] = (entry.restartOffsets[key] ?? 0) + n;
}

/**
 * Adds the restarts a primary counted to the entry, so they survive it.
 * `replaced`: every live worker is replaced once more (the primary crashed).
 */
export function foldRestarts(entry: AppEntry, status: PrimaryStatus | null, replaced: boolean): void {
  if (!status) return;
  for (const w of servingOnce(status)) addRestarts(entry, w.instance, w.restarts);
  if (replaced) countReplacement(entry, status);
}

/** One more restart of each instance that had a live worker in `status`: it is replaced by a new primary's. */
export function countReplacement(entry: AppEntry, status: PrimaryStatus): void {
  for (const w of servingOnce(status)) if (w.pid !== null) addRestarts(entry, w.instance, 1);
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

/**
 * A reload or restart with a new spec (`apply`, `restart <config file>`) targets the one app
 * of that name: a spec is never spread over another app.
 */
export function refuseSpreadSpec(verb: string, entries: AppEntry[], target: string, spec: AppSpec | undefined): void {
  if (spec && (entries.length !== 1 || entries[0]?.name !== spec.name))
    throw new ClusterctlError(
      'E_USAGE',
      `a ${verb} with a new spec targets that one app (${spec.name}), not ${JSON.stringify(target)}`,
    );
}

/** Runs `fn` on every entry (or step of one), persists, then throws the first failure (the others still ran). */
export async function settleAll<T>(items: T[], fn: (item: T) => Promise<void>, persist: () => void): Promise<void> {
  const results = await Promise.allSettled(items.map(fn));
  persist();
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
