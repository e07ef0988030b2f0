/**
 * The primary's compact 'metrics' event (PrimaryMetrics) on the daemon side:
 * checked as it crosses the socket, then folded into the last status.
 */
import type { PrimaryMetrics, PrimaryStatus } from './api';
import { servingWorkers } from './workers';

/** The key of a worker process's figures in the event. */
export function metricsKey(pid: number): string {
  return `p${pid}`;
}

export function isPrimaryMetrics(data: unknown): data is PrimaryMetrics {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  return Object.entries(data).every(
    ([k, v]) =>
      /^p?\d+$/.test(k) &&
      Array.isArray(v) &&
      v.length === 2 &&
      v.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0),
  );
}

/** `status` with each listed process's cpu and memory replaced (in place: the daemon owns this copy). */
export function applyMetrics(status: PrimaryStatus, metrics: PrimaryMetrics): void {
  const serving = new Set(servingWorkers(status.workers));
  for (const w of status.workers) {
    if (w.pid === null) continue;
    // An adopted primary of an earlier build keys its serving processes by instance only.
    const m = (metrics[metricsKey(w.pid)] ?? (serving.has(w) ? metrics[String(w.instance)] : undefined)) as
      [number, number] | undefined;
    if (m) [w.cpu, w.memory] = m;
  }
}
