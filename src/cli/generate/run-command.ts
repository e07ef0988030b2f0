/**
 * The one place that knows the command line of `clusterctl run`, the
 * foreground, daemon-less runner the generated units and manifests start.
 * An app from a config file is run as `run <file> --only <name>`; an app the
 * daemon knows is run from its spec: `run <script> --name <name> -i <n>`,
 * then every option whose value differs from the default, then `-- <args>`.
 */
import { basename, relative } from 'node:path';
import { DEFAULTS } from '../../config/defaults';
import { DEV_NULL_PATH } from '../../logfile/line';
import { defaultLogPaths } from '../../protocol/paths';
import type { AppSpec } from '../../protocol/types';
import type { SourcedApp } from './app-source';

export interface RunPaths {
  /** Paths as they are on this machine (systemd), or relative to `base` (a container image mirrors that folder). */
  mode: 'absolute' | 'relative';
  base: string;
}

function pathFor(path: string, paths: RunPaths): string {
  if (paths.mode === 'absolute') return path;
  const rel = relative(paths.base, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel.startsWith('.') ? rel : `./${rel}`;
}

/** `--node-args` takes one string that run splits like a shell: quote what has spaces or quotes. */
function joinWords(words: readonly string[]): string {
  return words.map((w) => (/^[^\s"'\\]+$/.test(w) ? w : `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(' ');
}

type Opt = (flag: string, value: string | number) => void;

/** What runs the script and how: the mode, a non-Node interpreter, readiness, the stop, the routing. */
function execOptions(spec: AppSpec, paths: RunPaths, opt: Opt, out: string[]): void {
  if (spec.nodeArgs.length > 0) opt('--node-args', joinWords(spec.nodeArgs));
  if (spec.execInterpreter === 'node' && paths.mode === 'absolute' && spec.interpreter !== process.execPath)
    opt('--interpreter', spec.interpreter);
  // A program of this machine by its path; in an image by its name, looked up in the image's PATH.
  if (spec.execInterpreter !== 'node')
    opt('--interpreter', paths.mode === 'absolute' ? spec.execInterpreter : basename(spec.execInterpreter));
  if (spec.interpreterArgs.length > 0) opt('--interpreter-args', joinWords(spec.interpreterArgs));
  if (spec.execMode === 'fork') opt('--exec-mode', 'fork');
  if (spec.readyUrl !== null) opt('--ready-url', spec.readyUrl);
  if (spec.readyPort !== null) opt('--ready-port', spec.readyPort);
  if (spec.readyLog !== null) opt('--ready-log', spec.readyLog);
  if (spec.killTimeout !== DEFAULTS.killTimeout) opt('--kill-timeout', spec.killTimeout);
  if (spec.stopSignal !== DEFAULTS.stopSignal) opt('--stop-signal', spec.stopSignal);
  if (spec.shutdownWithMessage) out.push('--shutdown-with-message');
  if (spec.waitReady) out.push('--wait-ready');
  if (spec.listenTimeout !== DEFAULTS.listenTimeout) opt('--listen-timeout', spec.listenTimeout);
  if (spec.sticky) out.push('--sticky');
  if (spec.scheduling !== DEFAULTS.scheduling) opt('--scheduling', spec.scheduling);
}

function supervisionOptions(spec: AppSpec, opt: Opt, out: string[]): void {
  if (spec.minUptime !== DEFAULTS.minUptime) opt('--min-uptime', spec.minUptime);
  if (spec.maxRestarts !== DEFAULTS.maxRestarts) opt('--max-restarts', spec.maxRestarts);
  if (spec.restartDelay !== DEFAULTS.restartDelay) opt('--restart-delay', spec.restartDelay);
  if (spec.expBackoffRestartDelay !== DEFAULTS.expBackoffRestartDelay)
    opt('--exp-backoff-restart-delay', spec.expBackoffRestartDelay);
  if (!spec.autorestart) out.push('--no-autorestart');
  if (spec.stopExitCodes.length > 0) opt('--stop-exit-codes', spec.stopExitCodes.join(','));
  if (spec.maxMemoryRestart !== DEFAULTS.maxMemoryRestart) opt('--max-memory-restart', spec.maxMemoryRestart);
  if (spec.instanceVar !== DEFAULTS.instanceVar) opt('--instance-var', spec.instanceVar);
  if (spec.incrementVar !== null) opt('--increment-var', spec.incrementVar);
}

/**
 * Where the lines go. run writes them to its stdout and stderr (the journal,
 * a pod's log) unless --out/--err name files: a path the app was given is a
 * file of this machine, kept for systemd; the home's default files are not
 * (run has no home to keep them in), nor is any file carried into an image,
 * which may lack its folder. /dev/null discards anywhere.
 */
function logOptions(spec: AppSpec, paths: RunPaths, home: string, opt: Opt, out: string[]): void {
  const defaults = defaultLogPaths(home, spec.name);
  const carried = (path: string, byDefault: string): boolean =>
    path === DEV_NULL_PATH || (paths.mode === 'absolute' && path !== byDefault);
  if (carried(spec.logs.out, defaults.out)) opt('--out', spec.logs.out);
  if (carried(spec.logs.err, defaults.err)) opt('--err', spec.logs.err);
  if (paths.mode === 'absolute' && spec.logs.combined !== null) opt('--log', spec.logs.combined);
  if (spec.logs.time && spec.logs.dateFormat !== null) opt('--log-date-format', spec.logs.dateFormat);
  else if (spec.logs.time) out.push('--time');
  if (spec.logs.format !== 'text') opt('--log-format', spec.logs.format);
  if (spec.logs.maxSize !== DEFAULTS.logMaxSize) opt('--log-max-size', spec.logs.maxSize);
  if (spec.logs.retain !== DEFAULTS.logRetain) opt('--log-retain', spec.logs.retain);
  if (spec.logs.compress) out.push('--log-compress');
}

/** Reload on change and on a schedule, as the app had them. */
function triggerOptions(spec: AppSpec, paths: RunPaths, opt: Opt, out: string[]): void {
  const { watch, cron } = spec;
  if (watch !== null) {
    const watched = watch.paths.length === 1 && watch.paths[0] === spec.cwd ? [] : watch.paths;
    out.push('--watch', ...watched.map((p) => pathFor(p, paths)));
    if (watch.ignore.length > 0) out.push('--ignore-watch', ...watch.ignore);
    if (watch.delayMs !== DEFAULTS.watchDelayMs) opt('--watch-delay', watch.delayMs);
  }
  if (cron !== null) {
    opt('--cron-restart', cron.expr);
    if (cron.tz !== null) opt('--cron-tz', cron.tz);
  }
}

/**
 * Options of `run <script>` for every spec field that differs from its
 * default. `home`: the daemon's home the spec came from, which says which
 * log paths are its defaults.
 */
function specOptions(spec: AppSpec, paths: RunPaths, home: string): string[] {
  const out: string[] = [];
  const opt: Opt = (flag, value) => out.push(flag, String(value));
  execOptions(spec, paths, opt, out);
  supervisionOptions(spec, opt, out);
  logOptions(spec, paths, home, opt, out);
  // A group is shared by the apps of one machine; a pod runs one app (export k8s says so).
  if (paths.mode === 'absolute' && spec.primaryGroup !== null) opt('--primary-group', spec.primaryGroup);
  if (spec.namespace !== DEFAULTS.namespace) opt('--namespace', spec.namespace);
  triggerOptions(spec, paths, opt, out);
  return out;
}

/**
 * What a command line cannot say about `spec`, one line each, for the
 * exporter to print: watch_options exist only in config files.
 */
export function uncarried(spec: AppSpec): string[] {
  const w = spec.watch;
  if (w === null) return [];
  const set: string[] = [];
  if (w.usePolling) set.push('usePolling');
  if (w.interval !== DEFAULTS.watchPollIntervalMs) set.push('interval');
  if (!w.followSymlinks) set.push('followSymlinks');
  if (set.length === 0) return [];
  return [
    `${spec.name}: watch_options (${set.join(', ')}) have no command-line flag and are not carried; export the app's config file instead to keep them`,
  ];
}

/** The arguments after `clusterctl` that run `app` in the foreground. */
export function runArgs(app: SourcedApp, paths: RunPaths): string[] {
  const { spec, origin } = app;
  // run's own bound on the stop, within the unit's TimeoutStopSec and the pod's grace period.
  const stop = ['--stop-timeout', String(stopBudgetSeconds(spec) - 1)];
  if (origin.kind === 'config') return ['run', pathFor(origin.file, paths), '--only', spec.name, ...stop];
  const args = ['run', pathFor(spec.script, paths), '--name', spec.name, '-i', String(spec.instances)];
  args.push(...specOptions(spec, paths, origin.home), ...stop);
  if (spec.args.length > 0) args.push('--', ...spec.args);
  return args;
}

/**
 * Seconds a graceful stop of `spec` may take: each worker drains for up to
 * the kill timeout, then gets the stop signal and up to the kill timeout
 * again before SIGKILL; a few seconds more for the primary itself.
 */
export function stopBudgetSeconds(spec: AppSpec): number {
  return Math.ceil((2 * spec.killTimeout) / 1000) + 5;
}
