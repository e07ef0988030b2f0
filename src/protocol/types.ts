/**
 * The shapes every side agrees on. These are the documentation: the daemon
 * stores AppSpec as desired state, the app primary turns it into workers, and
 * AppInfo / WorkerInfo flow back up into `ls`, `describe` and `--json`.
 */

/** Kept here too for the callers that import it with the types; defined in ./limits. */
export { APP_NAME_PATTERN } from './limits';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface LogSpec {
  /** Absolute path of the stdout log, or '/dev/null'. */
  out: string;
  /** Absolute path of the stderr log, or '/dev/null'. */
  err: string;
  /** Prefix each line with an ISO timestamp. */
  time: boolean;
  format: 'text' | 'json';
  /** Rotate when a file would exceed this many bytes. */
  maxSize: number;
  /** Rotated files kept per stream. */
  retain: number;
  /** gzip rotated files. */
  compress: boolean;
}

export interface AppSpec {
  name: string;
  /** Absolute path of the script the workers run as their main module. */
  script: string;
  args: string[];
  /** Absolute working directory of the workers. */
  cwd: string;
  /** Resolved worker count (>= 1); `max` and `-N` are resolved by the caller. */
  instances: number;
  /** Node flags for the workers (`--node-args`). */
  nodeArgs: string[];
  /** Absolute path of the node binary that runs the app primary and its workers. */
  interpreter: string;
  /** The app's whole environment: what its workers see, plus our own variables. */
  env: Record<string, string>;
  /** ms between the stop signal and SIGKILL. */
  killTimeout: number;
  stopSignal: StopSignal;
  /** A worker is online only once it sends process.send('ready'). */
  waitReady: boolean;
  /** ms a worker may take to come online. */
  listenTimeout: number;
  /** A worker that exits sooner than this after starting crashed unstably. */
  minUptime: number;
  /** Unstable restarts in a row before the instance is errored. */
  maxRestarts: number;
  /** Fixed delay (ms) before a restart; 0 means use the exponential backoff. */
  restartDelay: number;
  /** First delay (ms) of the exponential backoff. */
  expBackoffRestartDelay: number;
  autorestart: boolean;
  /** Exit codes that mean "done, do not restart". */
  stopExitCodes: number[];
  /** RSS limit of a worker's process tree in bytes; 0 disables. */
  maxMemoryRestart: number;
  /** Name of the variable that carries the instance number. */
  instanceVar: string;
  /** Optional variable incremented per instance (PM2's increment_var), e.g. PORT. */
  incrementVar: string | null;
  /** Round-robin in the primary (default on Linux) or left to the OS. */
  scheduling: 'rr' | 'none';
  logs: LogSpec;
  /** Ask a worker to stop with the IPC message 'shutdown' instead of the stop signal (PM2's shutdown_with_message). */
  shutdownWithMessage: boolean;
  /** The app primary routes every connection of one client to the same worker (socket.io polling). */
  sticky: boolean;
}

export type WorkerStatus = 'launching' | 'online' | 'stopping' | 'stopped' | 'waiting-restart' | 'errored';

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  /** epoch ms */
  at: number;
  /** Why it ended: 'crash', 'stopped', 'reload', 'restart', 'memory', 'scale', 'start-failed'. */
  reason: string;
}

export interface WorkerInfo {
  instance: number;
  pid: number | null;
  status: WorkerStatus;
  /** Replacements of this instance: crash restarts, restart, reload, memory. */
  restarts: number;
  /** epoch ms the current process was forked, null when none runs. */
  startedAt: number | null;
  /** Percent of one core over the last sample, null before the first sample. */
  cpu: number | null;
  /** RSS of the worker's process tree in bytes, null before the first sample. */
  memory: number | null;
  /** CPU seconds the worker's process tree has used since it started (cumulative; absent from primaries before 0.2). */
  cpuSeconds?: number | null;
  lastExit: ExitRecord | null;
  /** Why the worker is not online (errored, failed listen, waiting), or null. */
  reason: string | null;
}

export type AppStatus = 'online' | 'launching' | 'stopping' | 'stopped' | 'errored' | 'reloading' | 'degraded';

export interface AppInfo {
  name: string;
  status: AppStatus;
  /** pid of the app primary, null when it is not running. */
  primaryPid: number | null;
  spec: AppSpec;
  workers: WorkerInfo[];
  /** epoch ms the app was first started. */
  createdAt: number;
}

export interface DaemonInfo {
  pid: number;
  version: string;
  protocol: number;
  /** ms since the daemon started. */
  uptime: number;
  home: string;
}
