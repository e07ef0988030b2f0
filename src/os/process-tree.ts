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

function childrenOf(pid: number, mainThreadOnly = false): number[] {
  let tasks: string[];
  if (mainThreadOnly) tasks = [String(pid)];
  else {
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
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

/**
 * Every descendant of `pid` (not `pid` itself), deepest last. With
 * `mainThreadOnly`, only the children each process's main thread started
 * (one /proc read per process instead of one per thread).
 */
export function descendantsOf(pid: number, mainThreadOnly = false): number[] {
  const out: number[] = [];
  const queue = childrenOf(pid, mainThreadOnly);
  const seen = new Set<number>();
  while (queue.length > 0) {
    const p = queue.shift() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
    queue.push(...childrenOf(p, mainThreadOnly));
  }
  return out;
}

/** How often TreeWalker reads every thread's children file, the slow full walk. */
export const FULL_WALK_EVERY_MS = 10000;

/**
 * Descendants of the same roots tick after tick, cheaply: an idle node has
 * 7–11 threads, and reading each one's children file every tick was most of
 * the sampling cost (bench/PROFILE.md §1). Children of a Node process are
 * almost always spawned by its main thread, so in between full walks only
 * the main threads' children files are read, plus the descendants the last
 * full walk found (a worker thread's child). A known descendant gone means
 * the tree changed: the next walk is a full one.
 */
export class TreeWalker {
  private known = new Map<number, { descendants: number[]; fullAt: number }>();

  walk(pid: number, now = Date.now()): number[] {
    const prev = this.known.get(pid);
    if (!prev || now - prev.fullAt >= FULL_WALK_EVERY_MS || prev.descendants.some((d) => !isLive(d))) {
      const descendants = descendantsOf(pid);
      this.known.set(pid, { descendants, fullAt: now });
      return descendants;
    }
    const quick = descendantsOf(pid, true);
    const seen = new Set(quick);
    for (const d of prev.descendants) if (!seen.has(d)) quick.push(d);
    return quick;
  }

  /** Forgets every root not in `pids` (exited workers). */
  keepOnly(pids: Iterable<number>): void {
    const keep = new Set(pids);
    for (const pid of this.known.keys()) if (!keep.has(pid)) this.known.delete(pid);
  }
}

function isLive(pid: number): boolean {
  const s = readStat(pid);
  return s !== null && s.state !== 'Z';
}

export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/** pid + start time of each process, so a later kill cannot hit a recycled pid. */
/** Adds to `known` the processes of `pids` it does not hold yet (by pid and start time, so a reused pid is new). */
export function rememberIdentified(known: ProcessIdentity[], pids: number[]): void {
  const seen = new Set(known.map((d) => `${d.pid}:${d.startTime}`));
  for (const d of identify(pids)) if (!seen.has(`${d.pid}:${d.startTime}`)) known.push(d);
}

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
