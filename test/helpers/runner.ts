/**
 * `clusterctl run` as a test drives it: a real process (optionally in a new
 * PID namespace, through `unshare`), its output collected, its exit awaited
 * with a deadline, and a kill of its whole tree by pid for the cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BIN } from './sandbox';
import { waitFor } from './wait';

export interface RunExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface RunningRun {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<RunExit>;
  /** The exit within `ms`, or a rejection that says what was printed. */
  exitWithin(ms: number): Promise<RunExit>;
}

/** unshare found on the test's own PATH: a run under test may be given a PATH without it (and without tini). */
function unshareBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'unshare'), constants.X_OK);
      return join(dir, 'unshare');
    } catch {
      /* not here */
    }
  }
  return 'unshare';
}

export function startRun(args: string[], env: Record<string, string>, opts: { unshare?: boolean } = {}): RunningRun {
  const argv = [BIN, 'run', ...args];
  const child = opts.unshare
    ? spawn(unshareBinary(), ['--pid', '--fork', '--mount-proc', process.execPath, ...argv], { env, stdio: 'pipe' })
    : spawn(process.execPath, argv, { env, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<RunExit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    exitWithin: (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<RunExit>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`run did not exit within ${ms} ms\nstdout: ${out}\nstderr: ${err}`)),
          ms,
        );
      });
      return Promise.race([exited, late]).finally(() => clearTimeout(timer));
    },
  };
}

interface ProcEntry {
  pid: number;
  ppid: number;
  state: string;
}

function readProc(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(e), ppid: Number(rest[1]), state: rest[0] ?? '?' });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Every descendant of `root` (host pids), zombies included, with its state letter. */
export function descendants(root: number): ProcEntry[] {
  const all = readProc();
  const found: ProcEntry[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** The only child of `pid` (unshare's forked child: the namespace's PID 1, seen from here). */
export async function onlyChild(pid: number): Promise<number> {
  return waitFor(() => readProc().find((p) => p.ppid === pid)?.pid, { what: `a child of ${pid}`, timeoutMs: 10000 });
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** SIGKILL to `root` and every descendant, deepest last-found first; for cleanups. */
export function killTree(root: number | undefined): void {
  if (root === undefined) return;
  const pids = [root, ...descendants(root).map((p) => p.pid)];
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
