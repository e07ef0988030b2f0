/**
 * What /proc says about a worker's process tree. Workers cannot be given a
 * process group of their own (node:cluster's fork has no `detached`), so a
 * worker's descendants are found by walking /proc/PID/task/TID/children, and
 * orphans it left behind are found by session: the app primary is a session
 * leader and everything its workers start stays in its session unless it
 * calls setsid itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readStat } from './proc-stat';

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

export interface TreeSample {
  /** summed RSS of the process and its descendants, bytes */
  rss: number;
  /** summed CPU ticks of the process and its live descendants */
  cpuTicks: number;
}

/** RSS and CPU of `pid` plus `descendants` (pass them when already walked: /proc reads are the cost here). */
export function sampleTree(pid: number, descendants: number[] = descendantsOf(pid)): TreeSample | null {
  const root = readStat(pid);
  if (!root) return null;
  let rss = root.rss;
  let cpuTicks = root.cpuTicks;
  for (const d of descendants) {
    const s = readStat(d);
    if (!s) continue;
    rss += s.rss;
    cpuTicks += s.cpuTicks;
  }
  return { rss, cpuTicks };
}
