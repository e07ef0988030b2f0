/**
 * The exact environment a worker gets. node:cluster merges fork(env) over the
 * primary's own process.env, so the primary empties its process.env at start
 * (see main.ts) and every variable a worker sees is listed here.
 */
import type { AppSpec } from '../protocol/types';

export function workerEnv(spec: AppSpec, instance: number): Record<string, string> {
  const env: Record<string, string> = { ...spec.env };
  env[spec.instanceVar] = String(instance);
  env.CLUSTERCTL_APP_NAME = spec.name;
  // Read and removed by the worker preload (preload-sticky.ts) before the app starts.
  if (spec.sticky) env.CLUSTERCTL_STICKY = '1';
  if (spec.incrementVar) {
    const base = Number(spec.env[spec.incrementVar] ?? '0');
    env[spec.incrementVar] = String((Number.isFinite(base) ? base : 0) + instance);
  }
  return env;
}
