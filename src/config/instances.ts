/**
 * How many workers `-i` and `scale` mean. `max` is the number of CPUs this
 * process may actually use: the smaller of what the scheduler gives it
 * (`os.availableParallelism()`, which honours the affinity mask) and the
 * cgroup v2 CPU quota, so a container limited to 2 CPUs on a 64-core host
 * runs 2 workers, not 64.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ScaleTarget } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { MAX_INSTANCES } from '../protocol/limits';

export const CGROUP_CPU_MAX = '/sys/fs/cgroup/cpu.max';

export interface CpuProbe {
  /** Where the cgroup v2 `cpu.max` file lives (tests point this at a fake). */
  cpuMaxPath?: string;
  availableParallelism?: () => number;
}

/** CPUs granted by the cgroup quota ("max 100000" means none), rounded up; null when there is no quota. */
export function cgroupCpuQuota(path: string = CGROUP_CPU_MAX): number | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const fields = raw.trim().split(/\s+/);
  const quotaText = fields.at(0);
  const periodText = fields.at(1);
  if (quotaText === undefined || quotaText === 'max') return null;
  const quota = Number(quotaText);
  const period = periodText === undefined ? 100000 : Number(periodText);
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return null;
  return Math.max(1, Math.ceil(quota / period));
}

export function usableCpus(probe: CpuProbe = {}): number {
  const available = Math.max(1, (probe.availableParallelism ?? availableParallelism)());
  const quota = cgroupCpuQuota(probe.cpuMaxPath ?? CGROUP_CPU_MAX);
  return quota === null ? available : Math.min(available, quota);
}

export type InstancesRequest = { mode: 'count'; value: number } | { mode: 'max'; minus: number };

/**
 * Parses the value of `-i`: a positive integer, `max` or `0` (every usable
 * CPU), or `-N` (every usable CPU but N, at least one). Anything else is a
 * usage error.
 */
export function parseInstances(raw: string): InstancesRequest {
  const text = raw.trim();
  if (/^max$/i.test(text) || /^0+$/.test(text)) return { mode: 'max', minus: 0 };
  if (/^-\d+$/.test(text)) return { mode: 'max', minus: Number(text.slice(1)) };
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value > MAX_INSTANCES) throw new ClusterctlError('E_USAGE', `-i ${raw}: at most ${MAX_INSTANCES} instances`);
    return { mode: 'count', value };
  }
  throw new ClusterctlError(
    'E_USAGE',
    `-i ${JSON.stringify(raw)}: expected a whole number, "max", or -N (all CPUs but N)`,
  );
}

export function resolveInstances(request: InstancesRequest, cpus: number): number {
  if (request.mode === 'count') return request.value;
  return Math.max(1, cpus - request.minus);
}

/** Parses the target of `scale`: `N`, `+N`, `-N` or `max`. */
export function parseScaleTarget(raw: string): ScaleTarget {
  const text = raw.trim();
  if (/^max$/i.test(text)) return { mode: 'max' };
  if (/^[+-]\d+$/.test(text)) return { mode: 'relative', value: Number(text) };
  if (/^\d+$/.test(text)) return { mode: 'absolute', value: Number(text) };
  throw new ClusterctlError('E_USAGE', `scale ${JSON.stringify(raw)}: expected N, +N, -N or "max"`);
}

/** The worker count a scale target gives for an app that has `current`; a result below 1 is a usage error. */
export function applyScaleTarget(target: ScaleTarget, current: number, cpus: number, app: string): number {
  const next = target.mode === 'max' ? cpus : target.mode === 'relative' ? current + target.value : target.value;
  if (next < 1) {
    throw new ClusterctlError(
      'E_USAGE',
      `cannot scale ${app} to ${next} instances; to stop it, run \`clusterctl stop ${app}\``,
    );
  }
  if (next > MAX_INSTANCES)
    throw new ClusterctlError('E_USAGE', `cannot scale ${app} to ${next} instances (at most ${MAX_INSTANCES})`);
  return next;
}
