/**
 * One line of /proc/PID/stat, parsed. Shared by the daemon (is a primary
 * gone, what was its session) and the app primary (process trees, metrics).
 */
import { readFileSync } from 'node:fs';

/** Linux's page size and USER_HZ on every architecture Node supports. */
const PAGE_SIZE = 4096;
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  session: number;
  /** user + system CPU time, in clock ticks */
  cpuTicks: number;
  /** in clock ticks since boot: with pid, identifies a process across pid reuse */
  startTime: number;
  /** resident set size in bytes */
  rss: number;
}

export function readStat(pid: number): ProcStat | null {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const close = raw.lastIndexOf(')');
  if (close === -1) return null;
  const f = raw.slice(close + 2).split(' ');
  // f[0] is field 3 (state); field N is f[N - 3].
  return {
    pid,
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    session: Number(f[3]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTime: Number(f[19]),
    rss: Number(f[21]) * PAGE_SIZE,
  };
}
