/**
 * Launching an app primary: spawn it, send it the spec (`init`), and attach
 * it to the app once it answers. A primary that reports E_START_FAILED but
 * lives keeps the app under its own restart policy, so it is attached even
 * then; any other failure (E_GROUP_CONFLICT for a port another app of its
 * primary group serves: no restart can get past that while the other app
 * runs) stops it before the error goes back.
 */
import type { PrimaryMetrics, PrimaryStatus } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { PrimaryHandle } from './app-primary';
import type { AppEntry } from './registry';
import { settled } from './verbs-shared';

export type Attach = (handle: PrimaryHandle, status: PrimaryStatus) => void;
export type OnStatus = (handle: PrimaryHandle, status: PrimaryStatus) => void;
export type OnMetrics = (handle: PrimaryHandle, metrics: PrimaryMetrics) => void;

export async function spawnAndInit(
  home: string,
  entry: AppEntry,
  attach: Attach,
  onStatus: OnStatus,
  onMetrics: OnMetrics,
): Promise<PrimaryHandle> {
  const handle = await PrimaryHandle.spawn(home, entry.spec);
  let status: PrimaryStatus;
  try {
    const initialised = handle.init(entry.spec);
    // Sent after init on the same connection, so the primary has its app by
    // then: `ls` sees each worker (pid, launching) from its fork, not only
    // once every one is online.
    handle.subscribe(
      (s) => onStatus(handle, s),
      (m) => onMetrics(handle, m),
    );
    status = settled(await initialised);
  } catch (err) {
    if (err instanceof ClusterctlError && err.code === 'E_START_FAILED') {
      // Reported by a live primary: it keeps the app under its restart policy.
      const now = await handle.status().catch(() => null);
      if (now) {
        attach(handle, now);
        throw err;
      }
    }
    await handle.stop(entry.spec.killTimeout);
    if (err instanceof ClusterctlError && err.code !== 'E_PRIMARY_UNREACHABLE') throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ClusterctlError('E_START_FAILED', `${entry.name} did not start: ${why}`);
  }
  attach(handle, status);
  return handle;
}

/** The launches in flight, so `kill` can wait for them and stop what they started. */
export class Launches {
  private readonly inFlight = new Set<Promise<PrimaryHandle>>();

  async track(launch: Promise<PrimaryHandle>): Promise<PrimaryHandle> {
    this.inFlight.add(launch);
    try {
      return await launch;
    } finally {
      this.inFlight.delete(launch);
    }
  }

  async allSettled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
