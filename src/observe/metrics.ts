/**
 * The Prometheus text of /metrics, built with prom-client from what the
 * caller already knows: the apps (AppInfo[], as `ls --json` shows them), the
 * caller's own process metrics (prom-client's default metrics, prefixed), the
 * reload counters, and the apps' own metrics their workers reported.
 * Per-instance series carry `app` and `instance` (the instance number, never
 * the pid, so a series survives a restart). Shared by the daemon's endpoint
 * and `clusterctl run --http`.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricFamilyJson } from '../protocol/api';
import type { AppInfo, WorkerInfo, WorkerStatus } from '../protocol/types';
import { servingWorkers } from '../protocol/workers';

export const WORKER_STATUSES: readonly WorkerStatus[] = [
  'launching',
  'online',
  'stopping',
  'stopped',
  'waiting-restart',
  'errored',
];

/** The process metrics and reload figures that live as long as the process serving /metrics. */
export interface ProcessMetrics {
  registry: Registry;
  reloads: Counter<'app'>;
  reloadDuration: Histogram<'app'>;
}

/**
 * How often the event-loop lag histogram samples. prom-client's default, 10 ms,
 * is a native timer waking the daemon ~190 times a second whether or not
 * anyone scrapes /metrics: ~4.7 ms of CPU a second for an idle daemon
 * (bench/PROFILE.md §6). At 100 ms every stall of the loop longer than that
 * is still recorded.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

export function createProcessMetrics(prefix = 'clusterctl_daemon_'): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const reloads = new Counter({
    name: 'clusterctl_app_reloads_total',
    help: 'Reloads of the app (clusterctl reload) since this process started.',
    labelNames: ['app'] as const,
    registers: [registry],
  });
  const reloadDuration = new Histogram({
    name: 'clusterctl_app_reload_duration_seconds',
    help: 'How long a reload of the app took.',
    labelNames: ['app'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  return { registry, reloads, reloadDuration };
}

interface AppGauges {
  up: Gauge<'app' | 'instance'>;
  status: Gauge<'app' | 'instance' | 'status'>;
  restarts: Counter<'app' | 'instance'>;
  cpu: Counter<'app' | 'instance'>;
  memory: Gauge<'app' | 'instance'>;
  start: Gauge<'app' | 'instance'>;
  exitCode: Gauge<'app' | 'instance'>;
  instances: Gauge<'app'>;
}

function appGauges(registry: Registry): AppGauges {
  const at = { registers: [registry] };
  const per = ['app', 'instance'] as const;
  return {
    up: new Gauge({ name: 'clusterctl_worker_up', help: '1 when the instance is online.', labelNames: per, ...at }),
    status: new Gauge({
      name: 'clusterctl_worker_status',
      help: 'State set: 1 for the status the instance is in, 0 for the others.',
      labelNames: ['app', 'instance', 'status'] as const,
      ...at,
    }),
    restarts: new Counter({
      name: 'clusterctl_worker_restarts_total',
      help: 'Replacements of the instance: crash restarts, restart, reload, memory.',
      labelNames: per,
      ...at,
    }),
    cpu: new Counter({
      name: 'clusterctl_worker_cpu_seconds_total',
      help: "CPU seconds used by the instance's current process tree (resets when the process is replaced).",
      labelNames: per,
      ...at,
    }),
    memory: new Gauge({
      name: 'clusterctl_worker_resident_memory_bytes',
      help: "Resident memory of the instance's process tree.",
      labelNames: per,
      ...at,
    }),
    start: new Gauge({
      name: 'clusterctl_worker_start_time_seconds',
      help: 'Unix time the current process of the instance started.',
      labelNames: per,
      ...at,
    }),
    exitCode: new Gauge({
      name: 'clusterctl_worker_last_exit_code',
      help: 'Exit code of the last process of the instance (-1 when it ended by a signal).',
      labelNames: per,
      ...at,
    }),
    instances: new Gauge({
      name: 'clusterctl_app_instances',
      help: 'Instances the app is configured to run.',
      labelNames: ['app'] as const,
      ...at,
    }),
  };
}

function recordWorker(g: AppGauges, app: string, w: WorkerInfo): void {
  const labels = { app, instance: String(w.instance) };
  g.up.set(labels, w.status === 'online' ? 1 : 0);
  for (const s of WORKER_STATUSES) g.status.set({ ...labels, status: s }, w.status === s ? 1 : 0);
  g.restarts.inc(labels, w.restarts);
  if (typeof w.cpuSeconds === 'number') g.cpu.inc(labels, w.cpuSeconds);
  if (w.memory !== null) g.memory.set(labels, w.memory);
  if (w.startedAt !== null) g.start.set(labels, w.startedAt / 1000);
  if (w.lastExit) g.exitCode.set(labels, w.lastExit.code ?? -1);
}

/** The per-app and per-instance series of `apps`, as Prometheus text. */
export async function appsMetricsText(apps: AppInfo[]): Promise<string> {
  const registry = new Registry();
  const g = appGauges(registry);
  for (const app of apps) {
    g.instances.set({ app: app.name }, app.status === 'stopped' ? 0 : app.spec.instances);
    // Series are per instance: its serving process, not a replacement or a retiring one.
    for (const w of servingWorkers(app.workers)) recordWorker(g, app.name, w);
  }
  return registry.metrics();
}

/**
 * The apps' own metrics: each entry is what one worker's prom-client
 * registries returned from getMetricsAsJSON(), already labelled with `app`.
 * prom-client's aggregation sums series of equal labels (or applies the
 * metric's `aggregator`), so the workers of one app add up and apps stay apart.
 */
export async function userMetricsText(perWorker: MetricFamilyJson[][]): Promise<string> {
  if (perWorker.length === 0) return '';
  return AggregatorRegistry.aggregate(perWorker).metrics();
}

export interface MetricsSources {
  apps: AppInfo[];
  process: ProcessMetrics;
  /** The apps' own metrics per worker (see userMetricsText). */
  userMetrics?: MetricFamilyJson[][];
}

/** The whole /metrics body. */
export async function buildMetrics(src: MetricsSources): Promise<string> {
  const parts = [await src.process.registry.metrics(), await appsMetricsText(src.apps)];
  const user = await userMetricsText(src.userMetrics ?? []);
  if (user) parts.push(user);
  return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
