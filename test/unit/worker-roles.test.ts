/**
 * The extra rows an instance has during a replacement, on the reading side:
 * a primary of an earlier build sends neither `role` nor `restartAt` (both
 * defaulted), and whatever counts instances counts serving rows only.
 */
import { applyMetrics } from '../../src/protocol/metrics';
import { servingWorkers, withWorkerDefaults, workerRole } from '../../src/protocol/workers';
import type { PrimaryStatus } from '../../src/protocol/api';
import type { WorkerInfo } from '../../src/protocol/types';

function worker(instance: number, extra: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    instance,
    pid: 100 + instance,
    status: 'online',
    restarts: 0,
    startedAt: 1,
    cpu: 1,
    memory: 2,
    lastExit: null,
    reason: null,
    ...extra,
  };
}

test('a row from an earlier primary (no role, no restartAt) reads as serving, restartAt null', () => {
  const old = worker(0);
  expect(workerRole(old)).toBe('serving');
  expect(withWorkerDefaults(old)).toEqual({ ...old, role: 'serving', restartAt: null });
  expect(withWorkerDefaults(worker(0, { role: 'replacement', restartAt: null })).role).toBe('replacement');
});

test('serving rows only: one per instance', () => {
  const rows = [
    worker(0),
    worker(0, { role: 'replacement', pid: 7 }),
    worker(1, { role: 'retiring', pid: 8 }),
    worker(1),
  ];
  expect(servingWorkers(rows).map((w) => [w.instance, w.pid])).toEqual([
    [0, 100],
    [1, 101],
  ]);
});

test('a metrics event (per pid) gives the serving row and its replacement each their own figures', () => {
  const status = {
    workers: [worker(0), worker(0, { role: 'replacement', pid: 7, cpu: null, memory: null })],
  } as PrimaryStatus;
  applyMetrics(status, { p100: [50, 1000], p7: [20, 300] });
  expect(status.workers.map((w) => [w.pid, w.cpu, w.memory])).toEqual([
    [100, 50, 1000],
    [7, 20, 300],
  ]);
});

test("an earlier build's metrics event (per instance) updates the serving row, not the replacement's", () => {
  const status = {
    workers: [worker(0), worker(0, { role: 'replacement', pid: 7, cpu: 0, memory: 5 })],
  } as PrimaryStatus;
  applyMetrics(status, { '0': [50, 1000] });
  expect(status.workers.map((w) => [w.pid, w.cpu, w.memory])).toEqual([
    [100, 50, 1000],
    [7, 0, 5],
  ]);
});
