/**
 * Process bookkeeping for tests. PID 1 on these machines does not reap
 * orphans, so a dead orphan lingers as a zombie and `kill -0` still succeeds:
 * "alive" here means present in /proc and not in state Z.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isProcessAlive } from '../../src/os/liveness';

/** The product's own check, zombies counted as gone. */
export const isAlive = isProcessAlive;

/** Every live process whose environment carries CLUSTERCTL_HOME=home: the daemon, its primaries, their workers. */
export function processesOfHome(home: string): number[] {
  const needle = Buffer.from(`CLUSTERCTL_HOME=${home}\0`);
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.indexOf(needle) !== -1 && isAlive(pid)) out.push(pid);
  }
  return out;
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** `pid command line` for a report: what a leftover process was. */
export function describeProcess(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return `${pid} ${cmdline || '(no command line)'}`;
  } catch {
    return `${pid} (gone before it could be described)`;
  }
}
