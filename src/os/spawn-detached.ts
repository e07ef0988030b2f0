/**
 * Starting a process that outlives its parent: its own session (so a
 * closed terminal or the parent's death does not reach it), stdout and
 * stderr appended to one file, and no handle that keeps the parent alive.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';

export interface DetachedExit {
  code: number | null;
  /** The signal that ended it, or the spawn error's message when it never ran. */
  signal: string | null;
}

export interface DetachedProcess {
  /** undefined when the spawn itself failed (see exited()). */
  pid: number | undefined;
  /** How it ended, while we were still watching; null while it runs. */
  exited(): DetachedExit | null;
}

export interface DetachedOptions {
  /** stdout and stderr go here, appended (created 0600). */
  logPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Write stdout and stderr to ours instead of logPath (`clusterctl run`: the container's output). */
  inheritOutput?: boolean;
}

export function spawnDetached(command: string, args: string[], opts: DetachedOptions): DetachedProcess {
  const fd = openSync(opts.logPath, 'a', 0o600);
  let exited: DetachedExit | null = null;
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: opts.inheritOutput ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd],
      env: opts.env,
      cwd: opts.cwd,
    });
    child.on('error', (err) => {
      exited = { code: null, signal: err.message };
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
    });
    child.unref();
    return { pid: child.pid, exited: () => exited };
  } finally {
    closeSync(fd);
  }
}

/** The last lines of a log file, prefixed by a newline, or '' (to explain a process that died at start). */
export function logTail(path: string, lines = 5): string {
  try {
    const size = statSync(path).size;
    const text = readFileSync(path, 'utf8').slice(Math.max(0, size - 2000));
    const tail = text.trim().split('\n').slice(-lines).join('\n');
    return tail === '' ? '' : `\n${tail}`;
  } catch {
    return '';
  }
}
