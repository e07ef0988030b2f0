/**
 * Starting the daemon when nobody answers on its socket. The daemon runs
 * detached in its own session with its output appended to daemon.log, so it
 * outlives the CLI that started it. Two CLIs may both get here at once: the
 * daemon itself takes a lock and the loser exits, so both CLIs end up
 * talking to the one winner.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from '../protocol/paths';

/** The compiled daemon entry point, found next to this file in dist/. */
export const DAEMON_ENTRY = join(__dirname, '..', 'daemon', 'main.js');

export function ensureHome(paths: HomePaths): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and does nothing for an existing directory.
  chmodSync(paths.home, 0o700);
}

export function launchDaemon(paths: HomePaths, env: NodeJS.ProcessEnv = process.env): number | undefined {
  ensureHome(paths);
  const log = openSync(paths.daemonLog, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [DAEMON_ENTRY], {
      detached: true,
      stdio: ['ignore', log, log],
      env: daemonEnvironment(paths.home, env),
      cwd: paths.home,
    });
    child.on('error', () => {
      /* the socket poll that follows reports a daemon that never came up */
    });
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The daemon sees only what it needs: its home and enough to find binaries. */
function daemonEnvironment(home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { CLUSTERCTL_HOME: home };
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) {
    const v = env[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
