import {
  MEMORY_STEP,
  SAMPLE_FAST_MS,
  SAMPLE_SLOW_MS,
  metricsMoved,
  metricsOf,
  nextSampleDelay,
} from '../../src/primary/metrics-feed';
import { applyMetrics, isPrimaryMetrics } from '../../src/protocol/metrics';
import type { PrimaryStatus } from '../../src/protocol/api';
import type { WorkerInfo } from '../../src/protocol/types';

test('the sample interval doubles while nothing moves, up to the slow interval, and drops back on a move', () => {
  let d = SAMPLE_FAST_MS;
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) seen.push((d = nextSampleDelay(d, false)));
  expect(seen).toEqual([2000, 4000, SAMPLE_SLOW_MS, SAMPLE_SLOW_MS, SAMPLE_SLOW_MS]);
  expect(nextSampleDelay(SAMPLE_SLOW_MS, true)).toBe(SAMPLE_FAST_MS);
});

test('metrics move on a CPU step of 1 point, a memory step of 1 MiB, or a different set of instances', () => {
  const base = { '0': [0.5, 50e6] as [number, number], '1': [0, 50e6] as [number, number] };
  expect(metricsMoved(base, { ...base })).toBe(false);
  expect(metricsMoved(base, { ...base, '0': [1.2, 50e6 + MEMORY_STEP - 1] })).toBe(false);
  expect(metricsMoved(base, { ...base, '0': [1.5, 50e6] })).toBe(true);
  expect(metricsMoved(base, { ...base, '1': [0, 50e6 + MEMORY_STEP] })).toBe(true);
  expect(metricsMoved(base, { '0': base['0'] })).toBe(true);
  expect(metricsMoved({}, {})).toBe(false);
});

test('metricsOf keys the figures by pid and skips pids without a sample', () => {
  const samples = new Map([
    [101, { cpu: 2.5, memory: 40e6, cpuSeconds: 1.5 }],
    [103, { cpu: 0.5, memory: 30e6, cpuSeconds: 0.1 }],
  ]);
  expect(metricsOf([101, 102, 103], samples)).toEqual({ p101: [2.5, 40e6], p103: [0.5, 30e6] });
});

test('isPrimaryMetrics accepts the compact event only', () => {
  expect(isPrimaryMetrics({ '0': [1, 2], '12': [0, 0] })).toBe(true);
  expect(isPrimaryMetrics({ p4242: [1, 2], '1': [0, 0] })).toBe(true);
  expect(isPrimaryMetrics({})).toBe(true);
  for (const bad of [
    null,
    [],
    'x',
    { a: [1, 2] },
    { p: [1, 2] },
    { pp1: [1, 2] },
    { '0': [1] },
    { '0': [1, -1] },
    { '0': ['1', 2] },
    { '0': [NaN, 1] },
  ]) {
    expect(isPrimaryMetrics(bad)).toBe(false);
  }
});

test('applyMetrics updates the listed processes of a status and leaves the others alone', () => {
  const w = (instance: number, pid: number | null): WorkerInfo =>
    ({ instance, pid, cpu: pid === null ? null : 0, memory: pid === null ? null : 1 }) as WorkerInfo;
  const status = { workers: [w(0, 10), w(1, null), w(2, 12)] } as PrimaryStatus;
  applyMetrics(status, { p10: [3, 4], p11: [5, 6] });
  expect(status.workers.map((x) => [x.cpu, x.memory])).toEqual([
    [3, 4],
    [null, null],
    [0, 1],
  ]);
});

test("applyMetrics reads an earlier build's event, keyed by instance, for the serving rows", () => {
  const w = (instance: number, pid: number | null): WorkerInfo =>
    ({ instance, pid, cpu: pid === null ? null : 0, memory: pid === null ? null : 1 }) as WorkerInfo;
  const status = { workers: [w(0, 10), w(1, null), w(2, 12)] } as PrimaryStatus;
  applyMetrics(status, { '0': [3, 4], '1': [5, 6] });
  expect(status.workers.map((x) => [x.cpu, x.memory])).toEqual([
    [3, 4],
    [null, null],
    [0, 1],
  ]);
});

test('TreeWalker finds what a full walk finds, for a process with no children', async () => {
  const { TreeWalker, descendantsOf } = await import('../../src/os/process-tree');
  const walker = new TreeWalker();
  const full = descendantsOf(process.pid);
  expect(walker.walk(process.pid, 0)).toEqual(full);
  expect(walker.walk(process.pid, 1)).toEqual(full);
  walker.keepOnly([]);
  expect(walker.walk(process.pid, 2)).toEqual(full);
});
