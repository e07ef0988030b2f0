/**
 * One validated config-file entry → a complete AppSpec. Paths resolve the
 * way PM2 resolves them: `cwd` against the config file's folder, `script`
 * and log files against `cwd`. The environment is the caller's, then `env`,
 * then `env_<name>` for `--env <name>`: later blocks win.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultSpec } from '../defaults';
import { nameFromScript, resolveInterpreter } from '../flags';
import { resolveInstances } from '../instances';
import type { AppSpec } from '../../protocol/types';
import type { AppEntry } from './schema';

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
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isReadableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

const NOT_NODE = new Set(['none', 'bash', 'sh', 'zsh', 'python', 'python3', 'ruby', 'perl', 'php', 'bun', 'deno']);

/** The node binary: a path (relative to the config file) or a name looked up on PATH. */
function interpreterPath(value: string, ctx: ToSpecContext): string {
  if (NOT_NODE.has(value)) {
    throw new FieldError(
      'interpreter',
      `"${value}" is not supported: clusterctl runs Node.js apps in cluster mode, so the interpreter must be a node binary`,
    );
  }
  try {
    return resolveInterpreter(value, ctx.configDir, ctx.baseEnv);
  } catch {
    throw new FieldError(
      'interpreter',
      value.includes('/')
        ? `${resolve(ctx.configDir, value)} is not an executable file`
        : `"${value}" was not found on PATH`,
    );
  }
}

/** A log file given in the config: relative to the app's cwd, in a folder that exists. */
function logPath(value: string, cwd: string, field: string): string {
  const abs = resolve(cwd, value);
  if (!isDirectory(dirname(abs))) throw new FieldError(field, `folder ${dirname(abs)} does not exist`);
  return abs;
}

export function entryToSpec(entry: AppEntry, ctx: ToSpecContext): AppSpec {
  const cwd = entry.cwd === undefined ? ctx.configDir : resolve(ctx.configDir, entry.cwd);
  if (!isDirectory(cwd)) throw new FieldError('cwd', `${cwd} is not a directory`);
  const script = resolve(cwd, entry.script);
  if (!isReadableFile(script)) throw new FieldError('script', `${script} does not exist or is not a readable file`);

  const env: Record<string, string> = { ...ctx.baseEnv, ...(entry.env ?? {}), ...(ctx.envBlock ?? {}) };
  const name = entry.name ?? nameFromScript(script);
  const spec = defaultSpec(ctx.home, name, script, cwd, env);

  if (entry.args !== undefined) spec.args = entry.args;
  if (entry.instances !== undefined) spec.instances = resolveInstances(entry.instances, ctx.cpus);
  const nodeArgs = entry.node_args ?? entry.interpreter_args;
  if (nodeArgs !== undefined) spec.nodeArgs = nodeArgs;
  if (entry.interpreter !== undefined && entry.interpreter !== 'node')
    spec.interpreter = interpreterPath(entry.interpreter, ctx);
  if (entry.max_memory_restart !== undefined) spec.maxMemoryRestart = entry.max_memory_restart;
  if (entry.kill_timeout !== undefined) spec.killTimeout = entry.kill_timeout;
  if (entry.shutdown_with_message !== undefined) spec.shutdownWithMessage = entry.shutdown_with_message;
  if (entry.sticky !== undefined) spec.sticky = entry.sticky;
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
  if (entry.out_file !== undefined) spec.logs.out = logPath(entry.out_file, cwd, 'out_file');
  if (entry.error_file !== undefined) spec.logs.err = logPath(entry.error_file, cwd, 'error_file');
  if (entry.time !== undefined) spec.logs.time = entry.time;
  if (entry.log_date_format !== undefined && entry.log_date_format !== '') spec.logs.time = true;
  if (entry.log_type !== undefined) spec.logs.format = 'json';
  if (entry.log_format !== undefined) spec.logs.format = entry.log_format;
  if (entry.log_max_size !== undefined) spec.logs.maxSize = entry.log_max_size;
  if (entry.log_retain !== undefined) spec.logs.retain = entry.log_retain;
  if (entry.log_compress !== undefined) spec.logs.compress = entry.log_compress;
  return spec;
}
