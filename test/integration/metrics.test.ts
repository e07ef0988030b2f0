/**
 * /metrics of a real daemon, read with a parser of the exposition format:
 * the per-instance series of two apps, the reload counter and histogram, the
 * daemon's own process metrics, and the apps' own prom-client metrics summed
 * across workers with no code of the user's in any primary.
 */
import { join } from 'node:path';
import { freePort } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { enableWeb, parseMetrics, sampleValue, webRequest, type Families } from '../helpers/web';

let sb: Sandbox;
let port: number;
let token: string;
beforeAll(async () => {
  sb = createSandbox();
  port = await freePort();
  token = await enableWeb(sb, port);
  await sb.ok([
    'start',
    join(FIXTURES, 'prom-counter.js'),
    '-i',
    '2',
    '--name',
    'counted',
    '--env',
    'PORT=0',
    '--env',
    'PROM_HITS=5',
  ]);
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '1', '--name', 'plain', '--env', 'PORT=0']);
});
afterAll(async () => {
  await sb.cleanup();
});

async function scrape(): Promise<Families> {
  const r = await webRequest(port, '/metrics', { token });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(r.body);
}

test('without the token: 401', async () => {
  expect((await webRequest(port, '/metrics')).status).toBe(401);
});

test('per app and instance: up, status state set, restarts, CPU seconds, memory, start time; instance is the number, not the pid', async () => {
  // CPU and memory come with the first sample, about a second after start.
  const m = await waitFor(async () => {
    const f = await scrape();
    return (
      sampleValue(f, 'clusterctl_worker_resident_memory_bytes', { app: 'plain', instance: '0' }) !== undefined && f
    );
  });
  for (const [app, instance] of [
    ['counted', '0'],
    ['counted', '1'],
    ['plain', '0'],
  ] as const) {
    const l = { app, instance };
    expect(sampleValue(m, 'clusterctl_worker_up', l)).toBe(1);
    expect(sampleValue(m, 'clusterctl_worker_status', { ...l, status: 'online' })).toBe(1);
    expect(sampleValue(m, 'clusterctl_worker_status', { ...l, status: 'errored' })).toBe(0);
    expect(sampleValue(m, 'clusterctl_worker_restarts_total', l)).toBe(0);
    expect(sampleValue(m, 'clusterctl_worker_cpu_seconds_total', l)).toBeGreaterThan(0);
    expect(sampleValue(m, 'clusterctl_worker_resident_memory_bytes', l)).toBeGreaterThan(1e6);
    const start = sampleValue(m, 'clusterctl_worker_start_time_seconds', l) ?? 0;
    expect(Math.abs(start - Date.now() / 1000)).toBeLessThan(300);
  }
  expect(sampleValue(m, 'clusterctl_app_instances', { app: 'counted' })).toBe(2);
  const types = Object.fromEntries(m.map((f) => [f.name, f.type]));
  expect(types).toMatchObject({
    clusterctl_worker_restarts_total: 'COUNTER',
    clusterctl_worker_cpu_seconds_total: 'COUNTER',
    clusterctl_worker_up: 'GAUGE',
  });
  const pids = (await sb.list()).flatMap((a) => a.workers.map((w) => String(w.pid)));
  const instances = m.flatMap((f) => f.metrics.map((s) => s.labels?.instance)).filter((i) => i !== undefined);
  expect(instances.some((i) => pids.includes(i))).toBe(false);
});

test("the daemon's own process metrics, prefixed", async () => {
  const m = await scrape();
  expect(sampleValue(m, 'clusterctl_daemon_process_resident_memory_bytes', {})).toBeGreaterThan(1e6);
  expect(m.some((f) => f.name === 'clusterctl_daemon_nodejs_eventloop_lag_seconds')).toBe(true);
});

test("an app's own prom-client counter is summed across its two workers (5 + 5 = 10), labelled with the app", async () => {
  const m = await scrape();
  expect(sampleValue(m, 'fixture_requests_total', { app: 'counted', route: '/hit' })).toBe(10);
  expect(sampleValue(m, 'fixture_workers', { app: 'counted' })).toBe(2);
});

test('a reload counts in the reloads counter and the duration histogram; a killed worker shows its exit and restart', async () => {
  await sb.ok(['reload', 'plain']);
  const m = await scrape();
  expect(sampleValue(m, 'clusterctl_app_reloads_total', { app: 'plain' })).toBe(1);
  const hist = m.find((f) => f.name === 'clusterctl_app_reload_duration_seconds');
  expect(hist?.type).toBe('HISTOGRAM');
  // parse-prometheus-text-format 1.1.1 folds a labelled histogram into its buckets and drops the labels, _sum
  // and _count; only 'plain' was reloaded, so its one series is the only one, and its +Inf bucket is the count.
  expect(hist?.metrics).toHaveLength(1);
  expect(hist?.metrics[0]?.buckets?.['+Inf']).toBe('1');

  const pid = (await sb.list()).find((a) => a.name === 'plain')?.workers[0]?.pid;
  if (!pid) throw new Error('no pid');
  process.kill(pid, 'SIGKILL');
  const after = await waitFor(async () => {
    const f = await scrape();
    return (
      sampleValue(f, 'clusterctl_worker_restarts_total', { app: 'plain', instance: '0' }) === 2 &&
      sampleValue(f, 'clusterctl_worker_up', { app: 'plain', instance: '0' }) === 1 &&
      f
    );
  });
  expect(sampleValue(after, 'clusterctl_worker_last_exit_code', { app: 'plain', instance: '0' })).toBe(-1);
});
