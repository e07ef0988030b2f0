/**
 * The workers' own prom-client metrics, gathered for the daemon's /metrics.
 *
 * The payloads are prom-client's cluster protocol (lib/cluster.js, 15.x): a
 * request `{type: 'prom-client:getMetricsReq', requestId}`, an answer
 * `{type: 'prom-client:getMetricsRes', requestId, metrics}` where `metrics`
 * is one `getMetricsAsJSON()` array per registry. prom-client answers it in a
 * worker only once `new AggregatorRegistry()` ran there (requiring the
 * package adds no listener), so our preload answers it instead, from the
 * app's own prom-client found in require.cache: the user writes no code on
 * either side. They travel as internal messages (cmd NODE_…): the app's
 * process.on('message') never sees them and they do not hold the worker's
 * IPC channel referenced. Aggregation (summing the workers) is done by the
 * daemon, which loads prom-client anyway: the primary, whose memory is a
 * watched figure, never loads it.
 */
import type { Worker } from 'node:cluster';
import type { AppMetricsResult, MetricFamilyJson } from '../protocol/api';

export const METRICS_REQ = 'NODE_CLUSTERCTL_METRICS_REQ';
export const METRICS_RES = 'NODE_CLUSTERCTL_METRICS_RES';

let nextRequestId = 0;

function isFamily(v: unknown): v is MetricFamilyJson {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return typeof f.name === 'string' && typeof f.type === 'string' && Array.isArray(f.values);
}

/** The families of one answer, each value labelled with `app` (invalid entries dropped). */
function labelled(app: string, metrics: unknown): MetricFamilyJson[] | null {
  if (!Array.isArray(metrics)) return null;
  const out: MetricFamilyJson[] = [];
  for (const registry of metrics as unknown[]) {
    if (!Array.isArray(registry)) continue;
    for (const family of registry as unknown[]) {
      if (!isFamily(family)) continue;
      // A worker's answer is not trusted to be well formed: each value is checked as unknown.
      const values = (family.values as unknown[]).flatMap((raw) => {
        if (typeof raw !== 'object' || raw === null) return [];
        const v = raw as { value?: unknown; labels?: unknown; metricName?: unknown };
        if (typeof v.value !== 'number') return [];
        const labels = typeof v.labels === 'object' && v.labels !== null ? (v.labels as Record<string, string>) : {};
        const metricName = typeof v.metricName === 'string' ? { metricName: v.metricName } : {};
        return [{ value: v.value, labels: { ...labels, app }, ...metricName }];
      });
      out.push({ ...family, help: typeof family.help === 'string' ? family.help : family.name, values });
    }
  }
  return out;
}

function askOne(worker: Worker, app: string, timeoutMs: number): Promise<MetricFamilyJson[] | null> {
  const requestId = nextRequestId++;
  return new Promise((resolve) => {
    const child = worker.process;
    const finish = (value: MetricFamilyJson[] | null): void => {
      clearTimeout(timer);
      child.off('internalMessage', onMessage);
      resolve(value);
    };
    const onMessage = (msg: unknown): void => {
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as { cmd?: unknown; requestId?: unknown; metrics?: unknown };
      if (m.cmd === METRICS_RES && m.requestId === requestId) finish(labelled(app, m.metrics));
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    child.on('internalMessage', onMessage);
    try {
      child.send({ cmd: METRICS_REQ, type: 'prom-client:getMetricsReq', requestId });
    } catch {
      finish(null);
    }
  });
}

/**
 * Asks every connected worker of the app at once (only its own: a group host
 * is the cluster primary of other apps too); a worker that does not answer
 * within `timeoutMs` is counted missing.
 */
export async function gatherWorkerMetrics(
  app: string,
  timeoutMs: number,
  peers: Iterable<Worker>,
): Promise<AppMetricsResult> {
  const workers = [...peers].filter((w) => w.isConnected());
  const answers = await Promise.all(workers.map((w) => askOne(w, app, timeoutMs)));
  const got = answers.filter((a): a is MetricFamilyJson[] => a !== null);
  return { workers: got.filter((a) => a.length > 0), missing: answers.length - got.length };
}
