/**
 * Turns the command-line flags of `start`, `restart` and `reload` into an
 * AppSpec or into lifecycle overrides. Everything here runs in the CLI, so it
 * checks by hand (no schema library on the CLI's start-up path) and throws
 * ClusterctlError with a message that names the flag and the bad value.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, extname, isAbsolute, join, resolve } from 'node:path';
import type { LifecycleOverrides } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { appNameProblem, namespaceProblem } from '../protocol/app-name';
import { ENV_NAME_PATTERN, MAX_DURATION_MS } from '../protocol/limits';
import { STOP_SIGNALS, type AppSpec, type StopSignal } from '../protocol/types';
import { defaultSpec } from './defaults';
import { parseInstances, resolveInstances, usableCpus, type CpuProbe } from './instances';
import { applyExec } from './exec-mode';
import { applyLogFlags, type LogFlags } from './log-flags';
import { applyReadiness } from './readiness-flags';
import { parseScheduling, setScheduling } from './scheduling';
import { applySupervisionFlags, type SupervisionFlags } from './supervision-flags';
import { applyTriggerFlags, type TriggerFlags } from './triggers';

/** Flags as commander hands them over: strings, booleans and repeated values. */
export interface StartFlags extends LogFlags, SupervisionFlags, TriggerFlags {
  instances?: string;
  name?: string;
  cwd?: string;
  nodeArgs?: string;
  interpreter?: string;
  killTimeout?: string;
  stopSignal?: string;
  waitReady?: boolean;
  listenTimeout?: string;
  env?: string[];
  execMode?: string;
  interpreterArgs?: string;
  readyUrl?: string;
  readyPort?: string;
  readyLog?: string;
  shutdownWithMessage?: boolean;
  sticky?: boolean;
  primaryGroup?: string;
  scheduling?: string;
  namespace?: string;
}

export interface SpecContext {
  home: string;
  /** The caller's working directory: the script and --cwd resolve against it. */
  cwd: string;
  /** The caller's environment: the app's environment starts from it. */
  env: NodeJS.ProcessEnv;
  cpu?: CpuProbe;
  /** Where non-fatal notices go (cluster asked for a non-Node program). */
  notices?: string[];
}

/** Any name PM2 takes (spaces included) is an app name; see protocol/app-name for what is refused and why. */
export function validateAppName(name: string): string {
  const why = appNameProblem(name);
  if (why !== null) throw new ClusterctlError('E_BAD_NAME', `app name ${JSON.stringify(name)} is not allowed: ${why}`);
  if (name === 'all') throw new ClusterctlError('E_BAD_NAME', 'app name "all" is reserved (it means every app)');
  return name;
}

/** `value` of the flag `label` when `problem` accepts it, else E_BAD_NAME with the reason. */
function checkedName(label: string, value: string, problem: (v: string) => string | null): string {
  const why = problem(value);
  if (why !== null) throw new ClusterctlError('E_BAD_NAME', `${label} ${JSON.stringify(value)} is not allowed: ${why}`);
  return value;
}

/** A primary group name follows the app-name rules: it names the host's socket and log files the same way. */
export function validateGroupName(label: string, name: string): string {
  return checkedName(label, name, appNameProblem);
}

/** `--namespace`: the app-name rules, and not "all" (protocol/app-name). */
export function validateNamespace(ns: string): string {
  return checkedName('--namespace', ns, namespaceProblem);
}

/** The default app name: the script's file name without its extension. */
export function nameFromScript(script: string): string {
  const base = basename(script);
  const ext = extname(base);
  return ext.length > 0 && ext.length < base.length ? base.slice(0, -ext.length) : base;
}

/** Resolves the script against the caller's cwd and checks it is a readable regular file. */
export function resolveScript(script: string, callerCwd: string): string {
  const path = resolve(callerCwd, script);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new ClusterctlError('E_SCRIPT_MISSING', `script ${script} not found (looked for ${path})`);
  }
  if (!isFile)
    throw new ClusterctlError(
      'E_SCRIPT_MISSING',
      `script ${script} is not a file (${path} is a directory or a device)`,
    );
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ClusterctlError('E_SCRIPT_MISSING', `script ${script} cannot be read (permission denied on ${path})`);
  }
  return path;
}

export function parseMs(flag: string, raw: string, min = 0): number {
  if (!/^\d+$/.test(raw.trim()))
    throw new ClusterctlError('E_USAGE', `${flag} ${JSON.stringify(raw)}: expected a whole number of milliseconds`);
  const value = Number(raw.trim());
  if (value < min || value > MAX_DURATION_MS)
    throw new ClusterctlError('E_USAGE', `${flag} ${raw}: expected ${min} to ${MAX_DURATION_MS} ms`);
  return value;
}

export function parseStopSignal(raw: string): StopSignal {
  const upper = raw.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const found = STOP_SIGNALS.find((s) => s === name);
  if (!found)
    throw new ClusterctlError(
      'E_USAGE',
      `--stop-signal ${JSON.stringify(raw)}: expected one of ${STOP_SIGNALS.join(', ')}`,
    );
  return found;
}

export function parsePositiveInt(flag: string, raw: string, max: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > max) {
    throw new ClusterctlError('E_USAGE', `${flag} ${JSON.stringify(raw)}: expected a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

/** `--env KEY=VALUE` pairs, in order (a later pair wins). */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (eq === -1 || !ENV_NAME_PATTERN.test(key)) {
      throw new ClusterctlError(
        'E_USAGE',
        `--env ${JSON.stringify(pair)}: expected KEY=VALUE with KEY made of letters, digits and "_"`,
      );
    }
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

/** The caller's environment as a plain record, plus the `--env` pairs. */
export function appEnvironment(callerEnv: NodeJS.ProcessEnv, pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(callerEnv)) if (v !== undefined) env[k] = v;
  return { ...env, ...parseEnvPairs(pairs) };
}

/**
 * Splits `--node-args` like a shell would for the simple cases people write:
 * whitespace separates, single or double quotes group, backslash escapes.
 */
export function splitArgs(raw: string): string[] {
  const out: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < raw.length) current += raw.charAt(++i);
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < raw.length) {
      current += raw.charAt(++i);
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (quote) throw new ClusterctlError('E_USAGE', `--node-args ${JSON.stringify(raw)}: unterminated quote`);
  if (inToken) out.push(current);
  return out;
}

/** An absolute path to an executable: given as a path, or looked up in PATH. */
export function resolveInterpreter(raw: string, callerCwd: string, env: NodeJS.ProcessEnv): string {
  const candidates = raw.includes('/')
    ? [resolve(callerCwd, raw)]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter((d) => isAbsolute(d))
        .map((d) => join(d, raw));
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      /* try the next one */
    }
  }
  throw new ClusterctlError(
    'E_USAGE',
    `--interpreter ${JSON.stringify(raw)}: no executable found${raw.includes('/') ? '' : ' in PATH'}`,
  );
}

function resolveDirectory(raw: string, callerCwd: string): string {
  const dir = resolve(callerCwd, raw);
  let ok: boolean;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ClusterctlError('E_USAGE', `--cwd ${raw}: no such directory (${dir})`);
  return dir;
}

/** Lifecycle flags shared by start, restart and reload. */
export function lifecycleOverrides(
  flags: Pick<StartFlags, 'killTimeout' | 'stopSignal' | 'waitReady' | 'listenTimeout'>,
): LifecycleOverrides {
  const out: LifecycleOverrides = {};
  if (flags.killTimeout !== undefined) out.killTimeout = parseMs('--kill-timeout', flags.killTimeout);
  if (flags.listenTimeout !== undefined) out.listenTimeout = parseMs('--listen-timeout', flags.listenTimeout, 1);
  if (flags.stopSignal !== undefined) out.stopSignal = parseStopSignal(flags.stopSignal);
  if (flags.waitReady === true) out.waitReady = true;
  return out;
}

/** `--scheduling`, once the exec mode and `--sticky` are known (scheduling.ts says what each excludes). */
function applySchedulingFlag(spec: AppSpec, raw: string, notices: string[]): void {
  const refuse = (why: string) =>
    new ClusterctlError('E_USAGE', `--scheduling none cannot go with --sticky: ${why}; drop one of them`);
  setScheduling(spec, parseScheduling('--scheduling', raw), { label: '--scheduling', refuse }, notices);
}

/** The complete spec of `clusterctl start <script> [flags] [-- args]`. */
export function specFromFlags(
  scriptArg: string,
  args: readonly string[],
  flags: StartFlags,
  ctx: SpecContext,
): AppSpec {
  const name = validateAppName(flags.name ?? nameFromScript(scriptArg));
  const instances =
    flags.instances === undefined ? 1 : resolveInstances(parseInstances(flags.instances), usableCpus(ctx.cpu));
  const cwd = flags.cwd === undefined ? ctx.cwd : resolveDirectory(flags.cwd, ctx.cwd);
  const base = defaultSpec(ctx.home, name, scriptArg, cwd, appEnvironment(ctx.env, flags.env ?? []));
  base.args = [...args];
  base.instances = instances;
  if (flags.nodeArgs !== undefined) base.nodeArgs = splitArgs(flags.nodeArgs);
  let spec = applyExec(
    base,
    {
      script: scriptArg,
      scriptBase: ctx.cwd,
      ...(flags.execMode === undefined ? {} : { execMode: flags.execMode }),
      ...(flags.interpreter === undefined ? {} : { interpreter: flags.interpreter }),
      ...(flags.interpreterArgs === undefined ? {} : { interpreterArgs: splitArgs(flags.interpreterArgs) }),
      modeLabel: '--exec-mode',
      interpreterLabel: '--interpreter',
    },
    ctx.notices ?? [],
  );
  spec = applyReadiness(spec, flags, { url: '--ready-url', port: '--ready-port', log: '--ready-log' });
  spec.logs = applyLogFlags(spec.logs, flags, ctx.cwd);
  if (flags.shutdownWithMessage === true) spec.shutdownWithMessage = true;
  if (flags.sticky === true) spec.sticky = true;
  if (flags.scheduling !== undefined) applySchedulingFlag(spec, flags.scheduling, ctx.notices ?? []);
  if (flags.primaryGroup !== undefined) spec.primaryGroup = validateGroupName('--primary-group', flags.primaryGroup);
  if (flags.namespace !== undefined) spec.namespace = validateNamespace(flags.namespace);
  return { ...applyTriggerFlags(applySupervisionFlags(spec, flags), flags), ...lifecycleOverrides(flags) };
}
