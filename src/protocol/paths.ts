/** The layout of CLUSTERCTL_HOME, in one place so every side agrees on it. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { appFileName } from './app-name';

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface HomePaths {
  home: string;
  socket: string;
  pidFile: string;
  daemonLog: string;
  stateFile: string;
  dumpFile: string;
  runDir: string;
  logsDir: string;
}

export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CLUSTERCTL_HOME;
  return resolve(fromEnv && fromEnv !== '' ? fromEnv : join(homedir(), '.clusterctl'));
}

export function homePaths(home: string = resolveHome()): HomePaths {
  return {
    home,
    socket: join(home, 'daemon.sock'),
    pidFile: join(home, 'daemon.pid'),
    daemonLog: join(home, 'daemon.log'),
    stateFile: join(home, 'state.json'),
    dumpFile: join(home, 'dump.json'),
    runDir: join(home, 'run'),
    logsDir: join(home, 'logs'),
  };
}

/** Control socket of one app primary (`app` is the display name: the path uses its file form). */
export function primarySocketPath(home: string, app: string): string {
  return join(home, 'run', `${appFileName(app)}.sock`);
}

/** The app primary's own log (its decisions, not the app's output). */
export function primaryLogPath(home: string, app: string): string {
  return join(home, 'logs', `${appFileName(app)}-primary.log`);
}

export function defaultLogPaths(home: string, app: string): { out: string; err: string } {
  const form = appFileName(app);
  return { out: join(home, 'logs', `${form}-out.log`), err: join(home, 'logs', `${form}-err.log`) };
}

/** The lock one app primary holds (see lockName): by file form, like its socket. */
export function primaryLockName(home: string, app: string): string {
  return lockName(home, `app:${appFileName(app)}`);
}

/**
 * A primary group host (`--primary-group NAME`): its control socket, its own
 * log and its lock. In folders of their own, so no app name's files can
 * collide with a group's.
 */
export function groupSocketPath(home: string, group: string): string {
  return join(home, 'run', 'groups', `${appFileName(group)}.sock`);
}

export function groupLogPath(home: string, group: string): string {
  return join(home, 'logs', 'groups', `${appFileName(group)}.log`);
}

export function groupLockName(home: string, group: string): string {
  return lockName(home, `group:${appFileName(group)}`);
}

/**
 * The combined log of `log_file: true`. Not `<app>.log`: app "web-out"
 * would then share a file with the out log of app "web".
 */
export function defaultCombinedLogPath(home: string, app: string): string {
  return join(home, 'logs', `${appFileName(app)}-combined.log`);
}

/**
 * Linux abstract-namespace socket name used as a lock: the kernel releases it
 * when the holder dies, so there is never a stale lock file to clean up.
 */
export function lockName(home: string, what: string): string {
  // Required here, not at the top: the CLI loads this file on every run and never needs a lock name.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be under CommonJS
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const digest = createHash('sha256').update(home).digest('hex').slice(0, 32);
  return `\0clusterctl-${digest}-${what}`;
}
