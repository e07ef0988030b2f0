/**
 * The shapes every side agrees on. These are the documentation: the daemon
 * stores AppSpec as desired state, the app primary turns it into workers, and
 * AppInfo / WorkerInfo flow back up into `ls`, `describe` and `--json`.
 */

/** Kept here too for the callers that import them with the types; defined in ./app-name. */
export { appFileName, appNameProblem, isAppName } from './app-name';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Signals `send-signal` may deliver to workers. */
export const SENDABLE_SIGNALS = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGKILL',
  'SIGSTOP',
  'SIGCONT',
  'SIGWINCH',
  'SIGTSTP',
  'SIGALRM',
] as const;
export type SendableSignal = (typeof SENDABLE_SIGNALS)[number];

export interface LogSpec {
  /** Absolute path of the stdout log, or '/dev/null'. */
  out: string;
  /** Absolute path of the stderr log, or '/dev/null'. */
  err: string;
  /** Prefix each line with its time: ISO 8601, or in `dateFormat`. */
  time: boolean;
  /** PM2's log_date_format: dayjs tokens for the time of a text line (time must be on), or null for ISO 8601. */
  dateFormat: string | null;
  /** 'raw': the message alone (`clusterctl run --raw`). */
  format: 'text' | 'json' | 'raw';
  /** Rotate when a file would exceed this many bytes. */
  maxSize: number;
  /** Rotated files kept per stream. */
  retain: number;
  /** gzip rotated files. */
  compress: boolean;
  /** Absolute path of the combined log (every line of both streams, PM2's log_file), '/dev/null', or null for none. */
  combined: string | null;
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
  /** Reload on file change, or null (not watched). */
  watch: WatchSpec | null;
  /** Reload (cluster) or restart (fork) on a schedule, or null. */
  cron: CronSpec | null;
  // Fork mode and readiness probes (old state files without them load with the defaults).
  /** 'cluster': node:cluster workers; 'fork': independent child processes of any executable. */
  execMode: ExecMode;
  /** Fork mode: 'node' (`interpreter` with nodeArgs and our preload), 'none' (the script runs itself) or an absolute program path. */
  execInterpreter: string;
  /** Arguments of a non-Node `execInterpreter`, before the script. */
  interpreterArgs: string[];
  /** Readiness probe: online once a GET of this URL answers 200–399. */
  readyUrl: string | null;
  /** Readiness probe: online once 127.0.0.1:port accepts a connection. */
  readyPort: number | null;
  /** Readiness probe: online once a line of output contains this text. */
  readyLog: string | null;
  /** Ask a worker to stop with the IPC message 'shutdown' instead of the stop signal (PM2's shutdown_with_message). */
  shutdownWithMessage: boolean;
  /** The app primary routes every connection of one client to the same worker (socket.io polling). */
  sticky: boolean;
  /**
   * `--primary-group NAME`: the app shares one primary process with the other
   * apps of that group (less memory, no isolation between them); null: the
   * app has a primary of its own.
   */
  primaryGroup: string | null;
  /**
   * PM2's namespace (`default` unless given): a verb given a target that is
   * no app's name acts on every app of the namespace of that name.
   */
  namespace: string;
}

/** `--watch`: what is watched, what is ignored on top of the fixed ignores, how changes are batched. */
export interface WatchSpec {
  /** Absolute paths watched (the app's cwd for `watch: true`). */
  paths: string[];
  /** Extra ignores: globs (a pattern without "/" matches any path segment) or absolute paths. */
  ignore: string[];
  /** Trailing debounce: a change reloads once no other change came for this many ms. */
  delayMs: number;
  usePolling: boolean;
  /** Polling interval (ms) when usePolling. */
  interval: number;
  followSymlinks: boolean;
}

/** `--cron-restart`: a cron expression (5 fields, or 6 with seconds first) and an optional IANA time zone. */
export interface CronSpec {
  expr: string;
  tz: string | null;
}

/** What the primary's file watcher is doing (ls --json `watch`, describe). */
export interface WatchStatus {
  paths: string[];
  /** Every ignore in force: the fixed ones (node_modules, .git, home, log files) and the spec's. */
  ignored: string[];
  /** epoch ms of the last watch-triggered reload that finished, or null. */
  lastReload: number | null;
  /** The last watch-triggered reload that failed (old workers kept serving), cleared by a success. */
  lastFailure: { at: number; message: string } | null;
  consecutiveFailures: number;
  /** Flap guard: changes before this epoch ms wait; null when not held back. */
  heldUntil: number | null;
}

/** The primary's schedule (ls --json `cron`, describe). */
export interface CronStatus {
  expr: string;
  tz: string | null;
  /** epoch ms of the next tick, or null when the expression has no future run. */
  nextRun: number | null;
  lastRun: number | null;
  /** The last tick's outcome ('reloaded', 'skipped: …', 'failed: …'), or null before the first. */
  lastResult: string | null;
}

export const EXEC_MODES = ['cluster', 'fork'] as const;
export type ExecMode = (typeof EXEC_MODES)[number];

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
  /**
   * Which process of the instance this row is: 'serving' (the one row every
   * instance has), 'replacement' (a reload's or memory replacement's new
   * process coming online) or 'retiring' (the replaced process draining).
   * Absent from primaries of earlier builds: read it with `workerRole()` (src/protocol/workers.ts).
   */
  role?: WorkerRole;
  /** waiting-restart: epoch ms the restart is due (the CLI counts down from it); null otherwise. Absent from earlier builds. */
  restartAt?: number | null;
}

export type WorkerRole = 'serving' | 'replacement' | 'retiring';

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
  /** The primary's watcher, when the app is watched and its primary runs. */
  watch?: WatchStatus | null;
  /** The primary's schedule, when the app has one and its primary runs. */
  cron?: CronStatus | null;
}

export interface DaemonInfo {
  pid: number;
  version: string;
  protocol: number;
  /** ms since the daemon started. */
  uptime: number;
  home: string;
}
