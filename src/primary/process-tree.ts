/**
 * What /proc says about a worker's process tree. Workers cannot be given a
 * process group of their own (node:cluster's fork has no `detached`), so a
 * worker's descendants are found by walking /proc/PID/task/TID/children, and
 * orphans it left behind are found by session: the app primary is a session
 * leader and everything its workers start stays in its session unless it
 * calls setsid itself.
 */
import { readdirSync, readFileSync } from 'node:fs';

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

const PAGE_SIZE = 4096;
export const CLOCK_TICKS_PER_SECOND = 100;

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

/** Alive means present and not a zombie (PID 1 may never reap it here). */
export function isAlive(pid: number): boolean {
  const s = readStat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    let raw: string;
    try {
      raw = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const p of raw.split(' ')) if (p.trim() !== '') out.push(Number(p));
  }
  return out;
}

/** Every descendant of `pid` (not `pid` itself), deepest last. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = childrenOf(pid);
  const seen = new Set<number>();
  while (queue.length > 0) {
    const p = queue.shift() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
    queue.push(...childrenOf(p));
  }
  return out;
}

export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/** pid + start time of each process, so a later kill cannot hit a recycled pid. */
export function identify(pids: number[]): ProcessIdentity[] {
  const out: ProcessIdentity[] = [];
  for (const pid of pids) {
    const s = readStat(pid);
    if (s) out.push({ pid, startTime: s.startTime });
  }
  return out;
}

export function killIdentified(list: ProcessIdentity[], signal: NodeJS.Signals): void {
  for (const { pid, startTime } of list) {
    const s = readStat(pid);
    if (!s || s.startTime !== startTime || s.state === 'Z') continue;
    try {
      process.kill(pid, signal);
    } catch {
      /* gone meanwhile */
    }
  }
}

/** Live processes of a session, except those listed. */
export function sessionMembers(session: number, except: Set<number>): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(e);
    if (except.has(pid)) continue;
    const s = readStat(pid);
    if (s && s.session === session && s.state !== 'Z' && s.state !== 'X') out.push(pid);
  }
  return out;
}

export interface TreeSample {
  /** summed RSS of the process and its descendants, bytes */
  rss: number;
  /** summed CPU ticks of the process and its live descendants */
  cpuTicks: number;
}

export function sampleTree(pid: number): TreeSample | null {
  const root = readStat(pid);
  if (!root) return null;
  let rss = root.rss;
  let cpuTicks = root.cpuTicks;
  for (const d of descendantsOf(pid)) {
    const s = readStat(d);
    if (!s) continue;
    rss += s.rss;
    cpuTicks += s.cpuTicks;
  }
  return { rss, cpuTicks };
}
