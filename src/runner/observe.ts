/**
 * What the probes and the scraper of `clusterctl run --http` read, pure:
 * readiness (every app has a worker online) and the Prometheus text.
 */
import type { AppInfo } from '../protocol/types';

export function readiness(apps: readonly AppInfo[]): { ready: boolean; detail: string } {
  if (apps.length === 0) return { ready: false, detail: 'no app' };
  const waiting = apps.filter((a) => !a.workers.some((w) => w.status === 'online')).map((a) => a.name);
  return waiting.length === 0
    ? { ready: true, detail: `${apps.length} app(s) online` }
    : { ready: false, detail: `no worker online in ${waiting.join(', ')}` };
}

function label(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

export function metricsText(apps: readonly AppInfo[]): string {
  const out: string[] = ['# HELP clusterctl_workers Workers by app and status.', '# TYPE clusterctl_workers gauge'];
  for (const a of apps) {
    const counts = new Map<string, number>();
    for (const w of a.workers) counts.set(w.status, (counts.get(w.status) ?? 0) + 1);
    for (const [status, n] of counts) out.push(`clusterctl_workers{app="${label(a.name)}",status="${status}"} ${n}`);
  }
  out.push(
    '# HELP clusterctl_worker_restarts_total Replacements of each worker.',
    '# TYPE clusterctl_worker_restarts_total counter',
  );
  for (const a of apps)
    for (const w of a.workers)
      out.push(`clusterctl_worker_restarts_total{app="${label(a.name)}",instance="${w.instance}"} ${w.restarts}`);
  out.push(
    '# HELP clusterctl_worker_memory_bytes RSS of each worker process tree.',
    '# TYPE clusterctl_worker_memory_bytes gauge',
  );
  for (const a of apps)
    for (const w of a.workers)
      if (w.memory !== null)
        out.push(`clusterctl_worker_memory_bytes{app="${label(a.name)}",instance="${w.instance}"} ${w.memory}`);
  return `${out.join('\n')}\n`;
}
