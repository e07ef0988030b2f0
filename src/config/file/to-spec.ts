/**
 * One validated config-file entry → a complete AppSpec. Paths resolve the
 * way PM2 resolves them: `cwd` against the config file's folder, `script`
 * and log files against `cwd`. The environment is the caller's, then `env`,
 * then `env_<name>` for `--env <name>`: later blocks win.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultSpec } from '../defaults';
import { applyExec } from '../exec-mode';
import { nameFromScript } from '../flags';
import { applyReadiness } from '../readiness-flags';
import { ClusterctlError } from '../../protocol/errors';
import { resolveInstances } from '../instances';
import { setScheduling, type Scheduling } from '../scheduling';
import { defaultCombinedLogPath } from '../../protocol/paths';
import type { AppSpec } from '../../protocol/types';
import type { AppEntry } from './schema';
import { cronProblem, watchSpecOf } from '../triggers';

/** A problem with one field; the loader turns it into the one-line E_CONFIG. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ToSpecContext {
  configDir: string;
  home: string;
  baseEnv: Record<string, string>;
  /** The `env_<name>` block chosen with `--env`, already validated. */
  envBlock: Record<string, string> | null;
  cpus: number;
  /** Non-fatal notices (a log folder created, cluster asked for a non-Node program). */
  notices?: string[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A log file given in the config: relative to the app's cwd. A missing
 * folder is created, as PM2 does, with a notice.
 */
function logPath(value: string, cwd: string, field: string, notices: string[]): string {
  const abs = resolve(cwd, value);
  const dir = dirname(abs);
  if (!isDirectory(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new FieldError(field, `folder ${dir} does not exist and cannot be created (${(err as Error).message})`);
    }
    notices.push(`${field}: created the log folder ${dir}`);
  }
  return abs;
}

/** Script, exec mode, interpreter and probes; a ClusterctlError becomes a FieldError on the key it is about. */
function applyExecKeys(spec: AppSpec, entry: AppEntry, notices: string[]): AppSpec {
  const interpreterArgs = entry.interpreter_args;
  try {
    const next = applyExec(
      spec,
      {
        script: entry.script,
        scriptBase: spec.cwd,
        ...(entry.exec_mode === undefined ? {} : { execMode: entry.exec_mode }),
        ...(entry.interpreter === undefined ? {} : { interpreter: entry.interpreter }),
        ...(interpreterArgs === undefined || entry.node_args !== undefined ? {} : { interpreterArgs }),
        modeLabel: 'exec_mode',
        interpreterLabel: 'interpreter',
      },
      notices,
    );
    return applyReadiness(
      next,
      {
        ...(entry.ready_url === undefined ? {} : { readyUrl: entry.ready_url }),
        ...(entry.ready_port === undefined ? {} : { readyPort: entry.ready_port }),
        ...(entry.ready_log === undefined ? {} : { readyLog: entry.ready_log }),
      },
      { url: 'ready_url', port: 'ready_port', log: 'ready_log' },
    );
  } catch (err) {
    if (!(err instanceof ClusterctlError)) throw err;
    const field = /^(exec_mode|interpreter|ready_url|ready_port|ready_log)\b/.exec(err.message)?.[1] ?? 'script';
    throw new FieldError(field, err.message.replace(/^(exec_mode|interpreter|ready_url|ready_port|ready_log) /, ''));
  }
}

export function entryToSpec(entry: AppEntry, ctx: ToSpecContext): AppSpec {
  const cwd = entry.cwd === undefined ? ctx.configDir : resolve(ctx.configDir, entry.cwd);
  if (!isDirectory(cwd)) throw new FieldError('cwd', `${cwd} is not a directory`);
  const notices = ctx.notices ?? [];
  const env: Record<string, string> = {
    ...ctx.baseEnv,
    ...(entry.port === undefined ? {} : { PORT: entry.port }),
    ...(entry.env ?? {}),
    ...(ctx.envBlock ?? {}),
  };
  const name = entry.name ?? nameFromScript(entry.script);
  const spec = applyExecKeys(defaultSpec(ctx.home, name, entry.script, cwd, env), entry, notices);

  if (entry.args !== undefined) spec.args = entry.args;
  if (entry.instances !== undefined) spec.instances = resolveInstances(entry.instances, ctx.cpus);
  if (entry.node_args !== undefined) spec.nodeArgs = entry.node_args;
  if (entry.max_memory_restart !== undefined) spec.maxMemoryRestart = entry.max_memory_restart;
  if (entry.kill_timeout !== undefined) spec.killTimeout = entry.kill_timeout;
  if (entry.shutdown_with_message !== undefined) spec.shutdownWithMessage = entry.shutdown_with_message;
  if (entry.sticky !== undefined) spec.sticky = entry.sticky;
  if (entry.primary_group !== undefined) spec.primaryGroup = entry.primary_group;
  if (entry.namespace !== undefined) spec.namespace = entry.namespace;
  if (entry.scheduling !== undefined) applyFileScheduling(spec, entry.scheduling, notices);
  if (entry.wait_ready !== undefined) spec.waitReady = entry.wait_ready;
  if (entry.listen_timeout !== undefined) spec.listenTimeout = entry.listen_timeout;
  if (entry.min_uptime !== undefined) spec.minUptime = entry.min_uptime;
  if (entry.max_restarts !== undefined) spec.maxRestarts = entry.max_restarts;
  if (entry.restart_delay !== undefined) spec.restartDelay = entry.restart_delay;
  if (entry.exp_backoff_restart_delay !== undefined) spec.expBackoffRestartDelay = entry.exp_backoff_restart_delay;
  if (entry.autorestart !== undefined) spec.autorestart = entry.autorestart;
  if (entry.stop_exit_codes !== undefined) spec.stopExitCodes = entry.stop_exit_codes;
  if (entry.instance_var !== undefined) spec.instanceVar = entry.instance_var;
  if (entry.increment_var !== undefined) {
    const base = (env as Partial<Record<string, string>>)[entry.increment_var];
    if (base === undefined || !/^\d+$/.test(base)) {
      throw new FieldError(
        'increment_var',
        `${entry.increment_var} must be set to a whole number in env (each instance gets that number plus its instance number)`,
      );
    }
    spec.incrementVar = entry.increment_var;
  }
  if (entry.stop_signal !== undefined) spec.stopSignal = entry.stop_signal;
  const out = entry.out_file ?? entry.output;
  if (out !== undefined) spec.logs.out = logPath(out, cwd, entry.out_file ? 'out_file' : 'output', notices);
  const err = entry.error_file ?? entry.err_file ?? entry.error;
  if (err !== undefined) spec.logs.err = logPath(err, cwd, 'error_file', notices);
  if (entry.time !== undefined) spec.logs.time = entry.time;
  if (entry.log_date_format !== undefined && entry.log_date_format !== '') {
    // As in PM2, a date format turns the time on.
    spec.logs.time = true;
    spec.logs.dateFormat = entry.log_date_format;
  }
  if (entry.log_type !== undefined) spec.logs.format = 'json';
  if (entry.log_format !== undefined) spec.logs.format = entry.log_format;
  if (entry.log_max_size !== undefined) spec.logs.maxSize = entry.log_max_size;
  if (entry.log_retain !== undefined) spec.logs.retain = entry.log_retain;
  if (entry.log_compress !== undefined) spec.logs.compress = entry.log_compress;
  applyCombinedLog(spec, entry, ctx.home, notices);
  applyTriggers(spec, entry);
  return spec;
}

/** `scheduling`, once exec_mode and sticky are known (scheduling.ts says what each excludes). */
function applyFileScheduling(spec: AppSpec, asked: Scheduling, notices: string[]): void {
  const refuse = (why: string) =>
    new FieldError('scheduling', `"none" cannot go with sticky: true: ${why}; drop one of them`);
  setScheduling(spec, asked, { label: 'scheduling', refuse }, notices);
}

/** `log_file` (or PM2's alias `log`): a path relative to the cwd, true for the default path, false for none. */
function applyCombinedLog(spec: AppSpec, entry: AppEntry, home: string, notices: string[]): void {
  const field = entry.log_file === undefined ? 'log' : 'log_file';
  const value = entry.log_file ?? entry.log;
  if (value === undefined || value === false) return;
  spec.logs.combined =
    value === true ? defaultCombinedLogPath(home, spec.name) : logPath(value, spec.cwd, field, notices);
}

function applyTriggers(spec: AppSpec, entry: AppEntry): void {
  if (entry.watch !== undefined) {
    const o = entry.watch_options ?? {};
    spec.watch = watchSpecOf(
      {
        watch: entry.watch,
        ignore: entry.ignore_watch,
        delayMs: entry.watch_delay,
        usePolling: o.usePolling,
        interval: o.interval,
        followSymlinks: o.followSymlinks,
      },
      spec.cwd,
    );
  }
  if (entry.cron_restart === undefined) {
    if (entry.cron_tz !== undefined) throw new FieldError('cron_tz', 'needs cron_restart');
    return;
  }
  const tz = entry.cron_tz ?? null;
  const problem = cronProblem(entry.cron_restart, tz);
  if (problem !== null)
    throw new FieldError(tz !== null && problem.startsWith('unknown time zone') ? 'cron_tz' : 'cron_restart', problem);
  spec.cron = { expr: entry.cron_restart.trim(), tz };
}
