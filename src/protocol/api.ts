/**
 * The methods each server answers, with their parameter and result shapes.
 * `DaemonApi` is what the CLI (and `import { connect } from 'clusterctl'`)
 * may call on the daemon; `PrimaryApi` is what the daemon calls on an app
 * primary's control socket (what it calls on a primary group's host is in
 * ./group-api). Schemas for the params live in ./schemas.
 */
import type { ErrorPayload } from './errors';
import type {
  AppInfo,
  AppSpec,
  CronStatus,
  DaemonInfo,
  SendableSignal,
  StopSignal,
  WatchStatus,
  WorkerInfo,
} from './types';

export interface HelloParams {
  protocol: number;
  version: string;
}

export interface HelloResult extends DaemonInfo {
  /** True when the daemon's package version differs from the caller's. */
  versionMismatch: boolean;
}

/** Options a reload or restart may override; they are stored in the spec. */
export interface LifecycleOverrides {
  waitReady?: boolean;
  listenTimeout?: number;
  killTimeout?: number;
  stopSignal?: StopSignal;
}

export interface ReloadOptions extends LifecycleOverrides {
  /** Instances replaced at a time (default 1). Capacity never drops below instances - parallel + parallel. */
  parallel?: number;
  /**
   * `apply`: reload with this spec (same name as the single target) instead of the
   * stored one, replacing script, args, env and options; the overrides above are ignored.
   */
  spec?: AppSpec;
}

export interface RestartOptions extends LifecycleOverrides {
  /** With `--update-env`: the app's environment is replaced by this one. */
  env?: Record<string, string>;
  /** `--primary-group NAME` / `--no-primary-group`: the app moves into that group's host, or to a primary of its own. */
  primaryGroup?: string | null;
  /** `--scheduling rr|none`: a value other than the running one replaces the app's primary (restart-plan.ts). */
  scheduling?: 'rr' | 'none';
  /**
   * `restart <config file>`: restart with this spec (same name as the single target) instead
   * of the stored one, replacing script, args, env and options; the fields above are ignored.
   */
  spec?: AppSpec;
}

export type ScaleTarget = { mode: 'absolute'; value: number } | { mode: 'relative'; value: number } | { mode: 'max' };

export interface ProgressEvent {
  app: string;
  /** Instances replaced so far. */
  done: number;
  total: number;
  instance: number;
  /** What just happened to `instance`: 'replacing' | 'replaced'. */
  step: 'replacing' | 'replaced';
}

export interface DaemonApi {
  hello: { params: HelloParams; result: HelloResult };
  ping: { params: Record<string, never>; result: DaemonInfo };
  list: { params: Record<string, never>; result: AppInfo[] };
  describe: { params: { name: string }; result: AppInfo };
  start: { params: { spec: AppSpec }; result: AppInfo };
  /** Start registered apps that are stopped (`clusterctl start <name>`); restart counters are kept. */
  resume: { params: { target: string }; result: AppInfo[] };
  stop: { params: { target: string }; result: AppInfo[] };
  restart: { params: { target: string; options?: RestartOptions }; result: AppInfo[] };
  delete: { params: { target: string }; result: { deleted: string[] } };
  scale: { params: { name: string; target: ScaleTarget }; result: AppInfo };
  /** Emits 'progress' events (ProgressEvent) while it runs. */
  reload: { params: { target: string; options?: ReloadOptions }; result: AppInfo[] };
  kill: { params: Record<string, never>; result: { stopped: string[] } };
  /** Empty the log files of one app, or of every app when `target` is absent or 'all' (rotated files are removed too). */
  flush: { params: { target?: string }; result: { flushed: string[] } };
  /** Every running app primary closes and reopens its log files by path (after an external logrotate). */
  reloadLogs: { params: Record<string, never>; result: { reopened: string[] } };
  /** Write the specs of every app that should run to dump.json (atomic; the previous dump is kept as dump.json.bak). */
  save: { params: { force?: boolean; empty?: boolean }; result: SaveResult };
  /** Start the apps of dump.json (or of dump.json.bak when the dump is missing or corrupt) that are not registered. */
  resurrect: { params: Record<string, never>; result: ResurrectResult };
  /**
   * Emits an 'apps' event (AppInfo[], env values redacted as `ls --json` shows them) with every
   * app now and again after every change, until the caller disconnects; it never replies before.
   */
  subscribe: { params: Record<string, never>; result: null };
  /** The HTTP endpoint's setting and whether it listens (`clusterctl web`). */
  webStatus: { params: Record<string, never>; result: WebState };
  /** Turn the HTTP endpoint on (listening at once) or off; the setting is kept across daemon restarts. */
  webConfigure: { params: { config: WebConfig }; result: WebState };
  /** The endpoint's token (made on first use) and the dashboard address with it in the fragment. */
  webToken: { params: Record<string, never>; result: { token: string; url: string } };
  /** Restart counters of one app (or every app) back to 0. */
  reset: { params: { target: string }; result: AppInfo[] };
  /** Deliver `signal` to every worker of the app, or to one instance. */
  sendSignal: { params: { name: string; signal: SendableSignal; instance?: number }; result: SignalResult };
  /** The environment a worker runs with (instance 0 by default). */
  env: { params: { name: string; instance?: number }; result: WorkerEnvResult };
}

export interface WebConfig {
  enabled: boolean;
  host: string;
  port: number;
  /** Every POST is refused with 403. */
  readOnly: boolean;
}

export interface WebState extends WebConfig {
  /** The address the daemon listens on (http://host:port/), or null when it does not. */
  listening: string | null;
  /** Why it does not listen although enabled (e.g. the port is taken), or null. */
  error: string | null;
}

export interface SignalResult {
  signalled: Array<{ instance: number; pid: number }>;
}

export interface WorkerEnvResult {
  instance: number;
  env: Record<string, string>;
}

export interface SaveResult {
  path: string;
  /** Where the previous dump was kept, or null when there was none worth keeping. */
  backup: string | null;
  saved: string[];
  /** Registered apps left out because they are stopped on purpose. */
  skipped: string[];
}

export interface ResurrectResult {
  /** The file the apps came from: dump.json, or dump.json.bak. */
  path: string;
  source: 'dump' | 'backup';
  /** Why the backup was used, or null. */
  fallbackReason: string | null;
  savedAt: string;
  started: AppInfo[];
  /** Saved apps that were already registered, left as they are. */
  skipped: Array<{ name: string; reason: string }>;
  failed: Array<{ name: string; error: ErrorPayload }>;
}

export type DaemonMethod = keyof DaemonApi;

/**
 * Every DaemonApi method at run time, for the client that generates one
 * method per entry. `satisfies` fails the build when a method of DaemonApi
 * is missing here or a name here is not one.
 */
const DAEMON_METHOD_TABLE = {
  hello: true,
  ping: true,
  list: true,
  describe: true,
  start: true,
  resume: true,
  stop: true,
  restart: true,
  delete: true,
  scale: true,
  reload: true,
  kill: true,
  flush: true,
  reloadLogs: true,
  save: true,
  resurrect: true,
  webStatus: true,
  webConfigure: true,
  webToken: true,
  subscribe: true,
  reset: true,
  sendSignal: true,
  env: true,
} as const satisfies Record<DaemonMethod, true>;

export const DAEMON_METHODS = Object.keys(DAEMON_METHOD_TABLE) as readonly DaemonMethod[];

export interface PrimaryStatus {
  pid: number;
  name: string;
  /** False until `init` was called: `spec` is then a placeholder and there are no workers. */
  initialised: boolean;
  spec: AppSpec;
  workers: WorkerInfo[];
  /** The operation in progress ('reload', 'scale', 'restart', 'stop'), or null. */
  busy: string | null;
  /** epoch ms the primary started */
  startedAt: number;
  protocol: number;
  version: string;
  /** The file watcher's state, absent or null when the app is not watched. */
  watch?: WatchStatus | null;
  /** The schedule's state, absent or null when the app has none. */
  cron?: CronStatus | null;
  /** The primary group whose host runs the app (`--primary-group`); absent or null: a primary of its own. */
  group?: string | null;
}

/**
 * The exit code of an app primary (or a group's host) that found another process holding its
 * lock: the daemon reads it as "another one already runs", not as a crash.
 */
export const PRIMARY_EXIT_LOCK_HELD = 3;

/**
 * The 'metrics' event: each sampled live worker process's `[cpu %, memory bytes]`, keyed
 * `p<pid>` (a serving, replacement or retiring process alike). A primary of an earlier build
 * keys its serving processes by instance number (`"0"`); the daemon reads both.
 */
export type PrimaryMetrics = Record<string, [cpu: number, memory: number]>;

export interface PrimaryApi {
  hello: { params: HelloParams; result: PrimaryStatus };
  /** Start the workers of a fresh primary; resolves once all are online, or fails with E_START_FAILED. */
  init: { params: { spec: AppSpec }; result: PrimaryStatus };
  status: { params: Record<string, never>; result: PrimaryStatus };
  /**
   * Emits a 'status' event (PrimaryStatus) on every state change, and a
   * 'metrics' event (PrimaryMetrics) when a sample's figures changed
   * meaningfully (at most once a second, see src/primary/metrics-feed.ts),
   * until the caller disconnects.
   */
  subscribe: { params: Record<string, never>; result: null };
  /**
   * Stop every worker gracefully; the primary exits right after replying. A
   * group host closes this app's socket instead, and exits only once it
   * hosts no app.
   */
  stop: { params: Record<string, never>; result: PrimaryStatus };
  /** Stop every worker, then start them from `spec`. */
  restart: { params: { spec: AppSpec }; result: PrimaryStatus };
  /** Rolling replacement with `spec`; emits 'progress' events (ProgressEvent). */
  reload: { params: { spec: AppSpec; parallel: number }; result: PrimaryStatus };
  scale: { params: { instances: number }; result: PrimaryStatus };
  /** Empty the app's log files and drop the rotated ones (handler: src/primary/logs/handlers.ts). */
  flush: { params: Record<string, never>; result: null };
  /** Close and reopen the app's log files by path (handler: src/primary/logs/handlers.ts). */
  reopenLogs: { params: Record<string, never>; result: null };
  /** Gather the workers' own prom-client metrics (answered by the preload), within `timeoutMs`. */
  metrics: { params: { timeoutMs: number }; result: AppMetricsResult };
  /** Deliver `signal` to the live workers of `instance`, or of every instance when null. */
  signal: { params: { signal: SendableSignal; instance: number | null }; result: SignalResult };
  /** The environment the worker of `instance` gets. */
  env: { params: { instance: number }; result: WorkerEnvResult };
}

export type PrimaryMethod = keyof PrimaryApi;

/** One metric family as prom-client's `registry.getMetricsAsJSON()` gives it (its cluster protocol's payload). */
export interface MetricFamilyJson {
  name: string;
  help: string;
  type: string;
  aggregator?: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

/** What `metrics` on a primary returns: each answering worker's families, labelled with `app`. */
export interface AppMetricsResult {
  workers: MetricFamilyJson[][];
  /** Workers asked that did not answer before the deadline (or have no prom-client loaded: they answer empty). */
  missing: number;
}
