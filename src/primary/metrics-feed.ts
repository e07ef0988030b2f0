/**
 * When the primary samples its workers and when it tells the daemon. Every
 * second and a full status push per sample cost 10–12 ms of CPU per 10 s per
 * idle primary (bench/PROFILE.md §1); now a sample whose figures moved
 * meaningfully is pushed as a compact 'metrics' event and the next sample
 * comes a second later, and while nothing moves the interval doubles up to
 * five seconds. A watcher (ls, monit, a dashboard) therefore sees changing
 * figures within a second or two, and steady ones at most five seconds old.
 */
import type { PrimaryMetrics } from '../protocol/api';
import { metricsKey } from '../protocol/metrics';
import type { Sample } from './sampler';

export const SAMPLE_FAST_MS = 1000;
export const SAMPLE_SLOW_MS = 5000;
/** A CPU share moving by at least this many percentage points is news… */
export const CPU_STEP = 1;
/** …and so is memory moving by at least this many bytes. */
export const MEMORY_STEP = 1024 * 1024;

export function nextSampleDelay(previousMs: number, moved: boolean): number {
  return moved ? SAMPLE_FAST_MS : Math.min(SAMPLE_SLOW_MS, previousMs * 2);
}

function movedFrom(prev: [number, number] | undefined, next: [number, number]): boolean {
  if (!prev) return true;
  return Math.abs(prev[0] - next[0]) >= CPU_STEP || Math.abs(prev[1] - next[1]) >= MEMORY_STEP;
}

/**
 * The figures of the `live` worker pids from `samples`, keyed by pid, so a replacement or
 * retiring process of an instance has its own figures beside the serving one's.
 */
export function metricsOf(live: Iterable<number>, samples: Map<number, Sample>): PrimaryMetrics {
  const out: PrimaryMetrics = {};
  for (const pid of live) {
    const s = samples.get(pid);
    if (s) out[metricsKey(pid)] = [s.cpu, s.memory];
  }
  return out;
}

/** Whether `next` tells a subscriber anything `prev` (what it last got) did not. */
export function metricsMoved(prev: PrimaryMetrics, next: PrimaryMetrics): boolean {
  const keys = Object.keys(next);
  if (keys.length !== Object.keys(prev).length) return true;
  return keys.some((k) => movedFrom(prev[k], next[k]));
}
