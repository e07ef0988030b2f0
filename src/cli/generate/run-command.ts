/**
 * The one place that knows the command line of `clusterctl run`, the
 * foreground, daemon-less runner the generated units and manifests start.
 * An app from a config file is run as `run <file> --only <name>`; an app the
 * daemon knows is run from its spec: `run <script> --name <name> -i <n>`,
 * then every option whose value differs from the default, then `-- <args>`.
 */
import { relative } from 'node:path';
import { DEFAULTS } from '../../config/defaults';
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

/** Options of `run <script>` for every spec field that differs from its default. */
function specOptions(spec: AppSpec, paths: RunPaths): string[] {
  const out: string[] = [];
  const opt = (flag: string, value: string | number) => out.push(flag, String(value));
  if (spec.nodeArgs.length > 0) opt('--node-args', joinWords(spec.nodeArgs));
  if (paths.mode === 'absolute' && spec.interpreter !== process.execPath) opt('--interpreter', spec.interpreter);
  if (spec.killTimeout !== DEFAULTS.killTimeout) opt('--kill-timeout', spec.killTimeout);
  if (spec.stopSignal !== DEFAULTS.stopSignal) opt('--stop-signal', spec.stopSignal);
  if (spec.waitReady) out.push('--wait-ready');
  if (spec.listenTimeout !== DEFAULTS.listenTimeout) opt('--listen-timeout', spec.listenTimeout);
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
  if (spec.scheduling !== DEFAULTS.scheduling) opt('--scheduling', spec.scheduling);
  if (spec.logs.time) out.push('--time');
  if (spec.logs.format !== 'text') opt('--log-format', spec.logs.format);
  // The combined log is a file on this machine: kept for systemd, not carried into an image that may lack its folder.
  if (paths.mode === 'absolute' && spec.logs.combined !== null) opt('--log', spec.logs.combined);
  // A group is shared by the apps of one machine; a pod runs one app (export k8s says so).
  if (paths.mode === 'absolute' && spec.primaryGroup !== null) opt('--primary-group', spec.primaryGroup);
  return out;
}

/** The arguments after `clusterctl` that run `app` in the foreground. */
export function runArgs(app: SourcedApp, paths: RunPaths): string[] {
  const { spec, origin } = app;
  // run's own bound on the stop, within the unit's TimeoutStopSec and the pod's grace period.
  const stop = ['--stop-timeout', String(stopBudgetSeconds(spec) - 1)];
  if (origin.kind === 'config') return ['run', pathFor(origin.file, paths), '--only', spec.name, ...stop];
  const args = ['run', pathFor(spec.script, paths), '--name', spec.name, '-i', String(spec.instances)];
  args.push(...specOptions(spec, paths), ...stop);
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
