/** The reload counter and duration histogram of /metrics, recorded where a reload is handled. */
import type { ProcessMetrics } from '../observe/metrics';
import type { AppInfo } from '../protocol/types';

export function recordReload(metrics: ProcessMetrics, apps: AppInfo[], startedNs: bigint): void {
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  for (const app of apps) {
    metrics.reloads.inc({ app: app.name });
    metrics.reloadDuration.observe({ app: app.name }, seconds);
  }
}
