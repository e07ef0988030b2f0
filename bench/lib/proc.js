'use strict';
/**
 * Processes: timing a command, reading a process's memory and CPU from
 * /proc, and finding every process a bench engine started by the variable
 * it carries in its environment (so cleanup kills exactly what we started,
 * by pid, and nothing else).
 */
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

/**
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, ms: number }} RunResult
 */

/**
 * Run a command to completion; `ms` is the wall time from spawn to exit with
 * its output drained, which is what a person at a shell waits for.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<RunResult>}
 */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number }} [opts]
 */
function runSync(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { env: opts.env, stdio: 'ignore', timeout: opts.timeoutMs ?? 30000 });
}

/** Present in /proc and not a zombie (PID 1 here does not reap orphans). */
function isAlive(pid) {
  try {
    const m = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m !== null && m[1] !== 'Z' && m[1] !== 'X';
  } catch {
    return false;
  }
}

/**
 * Every live process whose environment holds exactly `KEY=value`.
 * @param {string} key
 * @param {string} value
 * @returns {number[]}
 */
function pidsWithEnv(key, value) {
  const needle = Buffer.from(`${key}=${value}\0`);
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    // environ starts without a NUL: match at offset 0 or after a NUL.
    let at = environ.indexOf(needle);
    while (at > 0 && environ[at - 1] !== 0) at = environ.indexOf(needle, at + 1);
    if (at !== -1 && isAlive(pid)) out.push(pid);
  }
  return out;
}

/** @param {number[]} pids @param {NodeJS.Signals} [signal] */
function killPids(pids, signal = 'SIGKILL') {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

let clockTicks = 0;
function ticksPerSecond() {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * utime + stime of a process in clock ticks, or null when it is gone.
 * @param {number} pid
 * @returns {number | null}
 */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * CPU nanoseconds used so far by every thread of `pid` (the first field of
 * /proc/PID/task/TID/schedstat), or null when it is gone: the 10 ms ticks of
 * /proc/PID/stat are too coarse to split a few hundred microseconds per
 * connection between a primary, its workers and a daemon.
 * @param {number} pid
 * @returns {number | null}
 */
function cpuNs(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        /* the thread ended in between */
      }
    }
  } catch {
    return null;
  }
  return ns;
}

/**
 * `read(pid)` of each of these processes that is still alive (read gives null for one that is gone).
 * @param {(pid: number) => number | null} read
 * @param {number[]} pids
 * @returns {Map<number, number>}
 */
function snapshotBy(read, pids) {
  const m = new Map();
  for (const p of pids) {
    const t = read(p);
    if (t !== null) m.set(p, t);
  }
  return m;
}

/**
 * cpuNs of each of these processes that is still alive.
 * @param {number[]} pids
 */
const cpuNsSnapshot = (pids) => snapshotBy(cpuNs, pids);

/**
 * CPU ticks used so far by each of these processes that is still alive; the
 * difference of two snapshots (cpuMsBetween) is the CPU they spent between.
 * @param {number[]} pids
 */
const cpuSnapshot = (pids) => snapshotBy(cpuTicks, pids);

/**
 * CPU milliseconds spent between two snapshots by the processes of the
 * second; one that appeared in between (a restarted worker) counts from zero.
 * @param {Map<number, number>} before
 * @param {Map<number, number>} after
 */
function cpuMsBetween(before, after) {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return (ticks / ticksPerSecond()) * 1000;
}

/**
 * A "Name:   123 kB" line of a /proc file, in bytes, or null when the
 * process is gone.
 * @param {string} file
 * @param {string} name
 * @returns {number | null}
 */
function kBField(file, name) {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Resident set size of a process in bytes (VmRSS), or null when it is gone.
 * @param {number} pid
 */
function rssBytes(pid) {
  return kBField(`/proc/${pid}/status`, 'VmRSS');
}

/**
 * Proportional set size in bytes: private pages plus each shared page divided
 * by the number of processes mapping it. Every Node process maps the same
 * ~40 MB node binary; RSS counts it in full for each, PSS shares it out, so
 * PSS summed over processes is what they really cost together.
 * @param {number} pid
 */
function pssBytes(pid) {
  return kBField(`/proc/${pid}/smaps_rollup`, 'Pss');
}

/**
 * Private memory in bytes: pages only this process maps (Private_Clean +
 * Private_Dirty), what it would free by exiting; null when it is gone.
 * @param {number} pid
 */
function privateBytes(pid) {
  const clean = kBField(`/proc/${pid}/smaps_rollup`, 'Private_Clean');
  const dirty = kBField(`/proc/${pid}/smaps_rollup`, 'Private_Dirty');
  return clean === null || dirty === null ? null : clean + dirty;
}

/**
 * A process and all its live descendants, however deep (daemon → primaries → workers).
 * @param {number} root
 * @returns {number[]}
 */
function treeOf(root) {
  /** @type {Map<number, number[]>} */
  const kids = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* raced with its exit */
    }
  }
  const out = [];
  const todo = [root];
  while (todo.length) {
    const pid = /** @type {number} */ (todo.pop());
    if (!isAlive(pid)) continue;
    out.push(pid);
    todo.push(...(kids.get(pid) ?? []));
  }
  return out;
}

/**
 * Direct children of a process.
 * @param {number} pid
 * @returns {number[]}
 */
function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && isAlive(Number(entry))) out.push(Number(entry));
    } catch {
      /* raced with its exit */
    }
  }
  return out;
}

/**
 * Poll until check() returns a truthy value or the deadline passes.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [opts]
 * @returns {Promise<NonNullable<T>>}
 */
async function waitFor(check, opts = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 20000);
  let lastError;
  for (;;) {
    try {
      const v = await check();
      if (v) return /** @type {NonNullable<T>} */ (v);
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${why}`);
    }
    await sleep(opts.intervalMs ?? 50);
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

module.exports = {
  run,
  runSync,
  isAlive,
  pidsWithEnv,
  killPids,
  ticksPerSecond,
  cpuTicks,
  cpuNsSnapshot,
  cpuSnapshot,
  cpuMsBetween,
  rssBytes,
  pssBytes,
  privateBytes,
  treeOf,
  childrenOf,
  waitFor,
  sleep,
};
