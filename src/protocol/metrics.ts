/**
 * The primary's compact 'metrics' event (PrimaryMetrics) on the daemon side:
 * checked as it crosses the socket, then folded into the last status.
 */
import type { PrimaryMetrics, PrimaryStatus } from './api';
import { servingWorkers } from './workers';

export function isPrimaryMetrics(data: unknown): data is PrimaryMetrics {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  return Object.entries(data).every(
    ([k, v]) =>
      /^\d+$/.test(k) &&
      Array.isArray(v) &&
      v.length === 2 &&
      v.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0),
  );
}

/** `status` with each listed instance's cpu and memory replaced (in place: the daemon owns this copy). */
export function applyMetrics(status: PrimaryStatus, metrics: PrimaryMetrics): void {
  // The figures are per instance, for its serving process: a replacement's row keeps its own.
  for (const w of servingWorkers(status.workers)) {
    const m = metrics[String(w.instance)] as [number, number] | undefined;
    if (m && w.pid !== null) [w.cpu, w.memory] = m;
  }
}
