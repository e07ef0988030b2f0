import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyScaleTarget,
  cgroupCpuQuota,
  parseInstances,
  parseScaleTarget,
  resolveInstances,
  usableCpus,
} from '../../src/config/instances';
import { useTempDir } from '../helpers/tmp';
import { ClusterctlError } from '../../src/protocol/errors';
import { thrownBy } from '../helpers/match';

describe('-i / --instances', () => {
  const dir = useTempDir('cgroup-', { scope: 'all' });

  const cpuMax = (content: string): string => {
    const path = join(dir(), `cpu.max.${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, content);
    return path;
  };

  it('reads a cgroup v2 quota, rounding up, and "max" as no quota', () => {
    expect(cgroupCpuQuota(cpuMax('200000 100000\n'))).toBe(2);
    expect(cgroupCpuQuota(cpuMax('150000 100000\n'))).toBe(2);
    expect(cgroupCpuQuota(cpuMax('50000 100000\n'))).toBe(1);
    expect(cgroupCpuQuota(cpuMax('max 100000\n'))).toBeNull();
    expect(cgroupCpuQuota(join(dir(), 'does-not-exist'))).toBeNull();
    expect(cgroupCpuQuota(cpuMax('garbage'))).toBeNull();
  });

  it('max is the smaller of the schedulable CPUs and the quota', () => {
    expect(usableCpus({ cpuMaxPath: cpuMax('200000 100000'), availableParallelism: () => 64 })).toBe(2);
    expect(usableCpus({ cpuMaxPath: cpuMax('max 100000'), availableParallelism: () => 8 })).toBe(8);
    expect(usableCpus({ cpuMaxPath: cpuMax('1600000 100000'), availableParallelism: () => 4 })).toBe(4);
  });

  it('parses N, max, 0 and -N', () => {
    expect(parseInstances('3')).toEqual({ mode: 'count', value: 3 });
    expect(parseInstances('max')).toEqual({ mode: 'max', minus: 0 });
    expect(parseInstances('MAX')).toEqual({ mode: 'max', minus: 0 });
    expect(parseInstances('0')).toEqual({ mode: 'max', minus: 0 });
    expect(parseInstances('-1')).toEqual({ mode: 'max', minus: 1 });
    expect(resolveInstances(parseInstances('-1'), 4)).toBe(3);
    expect(resolveInstances(parseInstances('-9'), 4)).toBe(1);
    expect(resolveInstances(parseInstances('max'), 6)).toBe(6);
    expect(resolveInstances(parseInstances('5'), 2)).toBe(5);
  });

  it.each(['0.5', 'abc', '', '1e3', '+2', '2x', '-1.5', '99999'])('refuses -i %j as a usage error', (raw) => {
    expect(() => parseInstances(raw)).toThrow(ClusterctlError);
    expect(thrownBy(() => parseInstances(raw))).toMatchObject({ code: 'E_USAGE' });
  });
});

describe('scale targets', () => {
  it('parses N, +N, -N and max', () => {
    expect(parseScaleTarget('4')).toEqual({ mode: 'absolute', value: 4 });
    expect(parseScaleTarget('+2')).toEqual({ mode: 'relative', value: 2 });
    expect(parseScaleTarget('-1')).toEqual({ mode: 'relative', value: -1 });
    expect(parseScaleTarget('max')).toEqual({ mode: 'max' });
    expect(() => parseScaleTarget('1.5')).toThrow(/expected N, \+N, -N or "max"/);
    expect(() => parseScaleTarget('two')).toThrow(ClusterctlError);
  });

  it('applies a target to the current size, refusing a result below 1 with a pointer to stop', () => {
    expect(applyScaleTarget({ mode: 'relative', value: -1 }, 3, 8, 'web')).toBe(2);
    expect(applyScaleTarget({ mode: 'relative', value: 2 }, 3, 8, 'web')).toBe(5);
    expect(applyScaleTarget({ mode: 'absolute', value: 4 }, 3, 8, 'web')).toBe(4);
    expect(applyScaleTarget({ mode: 'max' }, 3, 8, 'web')).toBe(8);
    expect(() => applyScaleTarget({ mode: 'relative', value: -3 }, 3, 8, 'web')).toThrow(/clusterctl stop web/);
    expect(() => applyScaleTarget({ mode: 'absolute', value: 0 }, 3, 8, 'web')).toThrow(ClusterctlError);
  });
});
