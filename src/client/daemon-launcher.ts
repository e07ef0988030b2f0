/**
 * Starting the daemon when nobody answers on its socket. The daemon runs
 * detached in its own session with its output appended to daemon.log, so it
 * outlives the CLI that started it. Two CLIs may both get here at once: the
 * daemon itself takes a lock and the loser exits, so both CLIs end up
 * talking to the one winner.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from '../protocol/paths';

/** The compiled daemon entry point, found next to this file in dist/. */
export const DAEMON_ENTRY = join(__dirname, '..', 'daemon', 'main.js');

export function ensureHome(paths: HomePaths): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and does nothing for an existing directory.
  chmodSync(paths.home, 0o700);
}

export interface LaunchedDaemon {
  pid: number | undefined;
  /** Set once the process has ended: a code other than 0 means it failed to start. */
  readonly exit: { code: number | null; signal: string | null; error?: string } | null;
}

export function launchDaemon(paths: HomePaths, env: NodeJS.ProcessEnv = process.env): LaunchedDaemon {
  ensureHome(paths);
  const log = openSync(paths.daemonLog, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [DAEMON_ENTRY], {
      detached: true,
      stdio: ['ignore', log, log],
      env: daemonEnvironment(paths.home, env),
      cwd: paths.home,
    });
    const launched: { pid: number | undefined; exit: LaunchedDaemon['exit'] } = { pid: child.pid, exit: null };
    child.on('error', (err) => {
      launched.exit = { code: null, signal: null, error: err.message };
    });
    child.on('exit', (code, signal) => {
      launched.exit = { code, signal };
    });
    child.unref();
    return launched;
  } finally {
    closeSync(log);
  }
}

/** The last lines of daemon.log, to explain a daemon that died at start. */
export function daemonLogTail(paths: HomePaths, lines = 5): string {
  try {
    const text = readFileSync(paths.daemonLog, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The daemon sees only what it needs: its home and enough to find binaries. */
function daemonEnvironment(home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { CLUSTERCTL_HOME: home };
  // JEST_WORKER_ID: a daemon a test starts fails on an illegal lifecycle
  // transition instead of only logging it (app-phase.ts), and passes the
  // marker on to its primaries (app-primary.ts).
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'JEST_WORKER_ID']) {
    const v = env[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
