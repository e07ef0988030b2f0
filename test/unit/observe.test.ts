/** The pure parts of the web endpoint: readiness, the Prometheus text, the token check, the scale body. */
import parsePrometheus from 'parse-prometheus-text-format';
import { scaleTargetOf } from '../../src/daemon/http/api-routes';
import { bearerMatches, isLoopback } from '../../src/daemon/http/web-config';
import { appsMetricsText, userMetricsText } from '../../src/observe/metrics';
import { readiness } from '../../src/observe/readiness';
import type { AppInfo, WorkerInfo } from '../../src/protocol/types';
import { defaultSpec } from '../../src/config/defaults';

function worker(instance: number, status: WorkerInfo['status'], extra: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    instance,
    pid: 1000 + instance,
    status,
    restarts: 0,
    startedAt: 1,
    cpu: 1,
    memory: 2,
    lastExit: null,
    reason: null,
    ...extra,
  };
}

function app(name: string, status: AppInfo['status'], workers: WorkerInfo[], instances = workers.length): AppInfo {
  const spec = { ...defaultSpec('/h', name, '/s.js', '/', {}), instances };
  return { name, status, primaryPid: 1, spec, workers, createdAt: 1 };
}

describe('readiness', () => {
  it('is ready when every app that should run has all its workers online; a stopped app does not count', () => {
    const r = readiness([app('a', 'online', [worker(0, 'online'), worker(1, 'online')]), app('s', 'stopped', [], 2)]);
    expect(r).toMatchObject({ ok: true, found: true, body: { ready: true, notReady: [] } });
  });
  it('names the app and the workers that are not online', () => {
    const r = readiness([
      app('a', 'degraded', [worker(0, 'online'), worker(1, 'waiting-restart', { reason: 'crashed', restartAt: 5000 })]),
    ]);
    expect(r.ok).toBe(false);
    expect(r.body.notReady).toEqual(['a']);
    expect(r.body.apps[0]?.notOnline).toEqual([
      { instance: 1, status: 'waiting-restart', reason: 'crashed', restartAt: 5000 },
    ]);
  });
  it('a replacement coming online or a retiring process is not an instance: ready, counted once', () => {
    const r = readiness([
      app(
        'a',
        'online',
        [
          worker(0, 'online'),
          worker(0, 'launching', { pid: 9, role: 'replacement' }),
          worker(1, 'online'),
          worker(1, 'stopping', { pid: 8, role: 'retiring' }),
        ],
        2,
      ),
    ]);
    expect(r.ok).toBe(true);
    expect(r.body.apps[0]).toMatchObject({ online: 2, expected: 2, notOnline: [] });
  });
  it('metrics: one series per instance, from its serving row', async () => {
    const text = await appsMetricsText([
      app('a', 'online', [worker(0, 'online'), worker(0, 'launching', { pid: 9, role: 'replacement', memory: 99 })], 1),
    ]);
    expect(text).toMatch(/clusterctl_worker_up\{app="a",instance="0"\} 1/);
    expect(text).not.toMatch(/clusterctl_worker_resident_memory_bytes\{app="a",instance="0"\} 99/);
  });
  it('counts missing workers (fewer than the spec asks for) as not ready; an unknown name is not found', () => {
    expect(readiness([app('a', 'online', [worker(0, 'online')], 2)]).ok).toBe(false);
    expect(readiness([], 'x')).toMatchObject({ ok: false, found: false });
  });
});

describe('metrics text', () => {
  it('labels per-instance series with the instance number and exports cpuSeconds as a counter', async () => {
    const text = await appsMetricsText([app('a', 'online', [worker(0, 'online', { cpuSeconds: 1.5 })])]);
    const families = parsePrometheus(text);
    const cpu = families.find((f) => f.name === 'clusterctl_worker_cpu_seconds_total');
    expect(cpu?.type).toBe('COUNTER');
    expect(cpu?.metrics).toEqual([{ value: '1.5', labels: { app: 'a', instance: '0' } }]);
  });
  it('sums the workers of one app and keeps apps apart', async () => {
    const fam = (app: string, value: number) => [
      { name: 'req_total', help: 'r', type: 'counter', aggregator: 'sum', values: [{ value, labels: { app } }] },
    ];
    const families = parsePrometheus(await userMetricsText([fam('a', 5), fam('a', 5), fam('b', 2)]));
    expect(families.find((f) => f.name === 'req_total')?.metrics).toEqual([
      { value: '10', labels: { app: 'a' } },
      { value: '2', labels: { app: 'b' } },
    ]);
  });
});

describe('token and inputs', () => {
  it('accepts only the exact bearer token', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('abc', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });
  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com'].some(isLoopback)).toBe(false);
  });
  it('reads a scale body', () => {
    expect(scaleTargetOf('{"instances": 3}')).toEqual({ mode: 'absolute', value: 3 });
    expect(scaleTargetOf('"+1"')).toEqual({ mode: 'relative', value: 1 });
    expect(scaleTargetOf('{"instances": "-2"}')).toEqual({ mode: 'relative', value: -2 });
    expect(() => scaleTargetOf('{"instances": 0}')).toThrow(/scale needs/);
    expect(() => scaleTargetOf('nope')).toThrow(/not JSON/);
  });
});
