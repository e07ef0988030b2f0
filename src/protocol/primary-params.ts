/**
 * Checks for what the daemon sends an app primary, without a schema library.
 *
 * Why not the zod schemas in ./schemas: there is one app primary per app, and
 * loading zod doubles a primary's private memory (~6 MB of its own pages to
 * ~15 MB, measured with /proc/self/smaps_rollup), so ten apps would pay ~85 MB
 * for it. The checks below enforce the same contract as `appSpecSchema`; a
 * unit test feeds both the same valid and broken specs and expects the same
 * verdicts, so the two cannot drift apart unnoticed.
 */
import { ClusterctlError } from './errors';
import { appNameProblem, DEFAULT_NAMESPACE, namespaceProblem } from './app-name';
import {
  ENV_NAME_PATTERN,
  INSTANCE_VAR_PATTERN,
  MAX_DURATION_MS,
  MAX_EXIT_CODE,
  MAX_INSTANCES,
  MAX_LOG_RETAIN,
  MIN_LOG_MAX_SIZE,
} from './limits';
import {
  EXEC_MODES,
  SENDABLE_SIGNALS,
  STOP_SIGNALS,
  type AppSpec,
  type CronSpec,
  type LogSpec,
  type WatchSpec,
} from './types';
import { isRecord } from './messages';
import { dateFormatProblem, specConflict } from './spec-rules';

type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, message: string): never {
  throw new ClusterctlError('E_BAD_SPEC', `invalid ${path}: ${message}`);
}

const str: Check<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'expected a string'));
const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'expected true or false'));

function int(min: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (v, p) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(p, `expected a whole number from ${min} to ${max}`);
}
function matching(re: RegExp, what: string): Check<string> {
  return (v, p) => (re.test(str(v, p)) ? (v as string) : fail(p, what));
}
function oneOf<T extends string>(options: readonly T[]): Check<T> {
  return (v, p) => (options.includes(v as T) ? (v as T) : fail(p, `expected one of ${options.join(', ')}`));
}
function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (v, p) => (Array.isArray(v) ? v.map((x, i) => item(x, `${p}.${i}`)) : fail(p, 'expected an array'));
}
const absPath: Check<string> = (v, p) =>
  str(v, p).startsWith('/') ? (v as string) : fail(p, 'must be an absolute path');
const ms = int(0, MAX_DURATION_MS);

/** An object with exactly these keys (like zod's strict objects). */
function exact<T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (v, p) => {
    if (!isRecord(v)) return fail(p, 'expected an object');
    for (const key of Object.keys(v)) if (!(key in fields)) fail(`${p}.${key}`, 'unknown field');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(fields) as Array<keyof T & string>) out[key] = fields[key](v[key], `${p}.${key}`);
    return out as T;
  };
}

const env: Check<Record<string, string>> = (v, p) => {
  if (!isRecord(v)) return fail(p, 'expected an object of strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = str(val, `${p}.${k}`);
  return out;
};

/** Absent (a spec from before the field existed) reads as null, as the zod schema's default does. */
const orNull =
  <T>(check: Check<T>): Check<T | null> =>
  (v, p) =>
    v === undefined || v === null ? null : check(v, p);

const logSpec = exact<LogSpec>({
  out: absPath,
  err: absPath,
  time: bool,
  dateFormat: orNull((v, p) => {
    const why = dateFormatProblem(str(v, p));
    return why === null ? (v as string) : fail(p, why);
  }),
  format: oneOf(['text', 'json', 'raw'] as const),
  maxSize: int(MIN_LOG_MAX_SIZE),
  retain: int(0, MAX_LOG_RETAIN),
  compress: bool,
  combined: orNull(absPath),
});

const watchSpec = exact<WatchSpec>({
  paths: (v, p) => {
    const paths = arrayOf(absPath)(v, p);
    return paths.length > 0 ? paths : fail(p, 'expected at least one path');
  },
  ignore: arrayOf((v, p) => (str(v, p) !== '' ? (v as string) : fail(p, 'must not be empty'))),
  delayMs: ms,
  usePolling: bool,
  interval: int(1, MAX_DURATION_MS),
  followSymlinks: bool,
});

const boundedStr =
  (max: number): Check<string> =>
  (v, p) => {
    const s = str(v, p);
    return s.length >= 1 && s.length <= max ? s : fail(p, `expected 1 to ${max} characters`);
  };
const cronSpec = exact<CronSpec>({
  expr: boundedStr(200),
  tz: (v, p) => (v === null ? null : boundedStr(100)(v, p)),
});

const checkSpecFields = exact<AppSpec>({
  name: (v, p) => {
    const why = appNameProblem(str(v, p));
    return why === null ? (v as string) : fail(p, `not an app name: ${why}`);
  },
  script: absPath,
  args: arrayOf(str),
  cwd: absPath,
  instances: int(1, MAX_INSTANCES),
  nodeArgs: arrayOf(str),
  interpreter: absPath,
  env,
  killTimeout: ms,
  stopSignal: oneOf(STOP_SIGNALS),
  waitReady: bool,
  listenTimeout: int(1, MAX_DURATION_MS),
  minUptime: ms,
  maxRestarts: int(0),
  restartDelay: ms,
  expBackoffRestartDelay: ms,
  autorestart: bool,
  stopExitCodes: arrayOf(int(0, MAX_EXIT_CODE)),
  maxMemoryRestart: int(0),
  instanceVar: matching(INSTANCE_VAR_PATTERN, 'expected a variable name without "=" or NUL'),
  incrementVar: (v, p) => (v === null ? null : matching(ENV_NAME_PATTERN, 'expected a variable name or null')(v, p)),
  scheduling: oneOf(['rr', 'none'] as const),
  logs: logSpec,
  watch: orNull(watchSpec),
  cron: orNull(cronSpec),
  execMode: oneOf(EXEC_MODES),
  execInterpreter: str,
  interpreterArgs: arrayOf(str),
  readyUrl: (v, p) => (v === null ? null : str(v, p)),
  readyPort: (v, p) => (v === null ? null : int(1, 65535)(v, p)),
  readyLog: (v, p) => (v === null ? null : str(v, p)),
  shutdownWithMessage: bool,
  sticky: bool,
  primaryGroup: (v, p) => {
    if (v === null) return null;
    const why = appNameProblem(str(v, p));
    return why === null ? (v as string) : fail(p, `not a primary group name: ${why}`);
  },
  // Absent reads as the default, as the zod schema's default does.
  namespace: (v, p) => {
    if (v === undefined) return DEFAULT_NAMESPACE;
    const why = namespaceProblem(str(v, p));
    return why === null ? (v as string) : fail(p, `not a namespace: ${why}`);
  },
});

/** Each field, then what one field excludes in another (spec-rules.ts), as the zod schema checks them. */
export const checkAppSpec: Check<AppSpec> = (v, p) => {
  const spec = checkSpecFields(v, p);
  const conflict = specConflict(spec);
  return conflict === null ? spec : fail(`${p}.${conflict.field}`, conflict.why);
};

const none = exact<Record<string, never>>({});

/** One checker per PrimaryApi method. */
export const primaryParams = {
  hello: (v: unknown) => {
    if (!isRecord(v)) return fail('hello params', 'expected an object');
    return { protocol: int(0)(v.protocol, 'hello params.protocol'), version: str(v.version, 'hello params.version') };
  },
  init: (v: unknown) => exact<{ spec: AppSpec }>({ spec: checkAppSpec })(v, 'init params'),
  status: (v: unknown) => none(v, 'status params'),
  subscribe: (v: unknown) => none(v, 'subscribe params'),
  stop: (v: unknown) => none(v, 'stop params'),
  restart: (v: unknown) => exact<{ spec: AppSpec }>({ spec: checkAppSpec })(v, 'restart params'),
  reload: (v: unknown) =>
    exact<{ spec: AppSpec; parallel: number }>({ spec: checkAppSpec, parallel: int(1) })(v, 'reload params'),
  scale: (v: unknown) => exact<{ instances: number }>({ instances: int(1, MAX_INSTANCES) })(v, 'scale params'),
  flush: (v: unknown) => none(v, 'flush params'),
  reopenLogs: (v: unknown) => none(v, 'reopenLogs params'),
  metrics: (v: unknown) => exact<{ timeoutMs: number }>({ timeoutMs: int(1, 60000) })(v, 'metrics params'),
  signal: (v: unknown) =>
    exact<{ signal: (typeof SENDABLE_SIGNALS)[number]; instance: number | null }>({
      signal: oneOf(SENDABLE_SIGNALS),
      instance: (x, p) => (x === null ? null : int(0, MAX_INSTANCES)(x, p)),
    })(v, 'signal params'),
  env: (v: unknown) => exact<{ instance: number }>({ instance: int(0, MAX_INSTANCES) })(v, 'env params'),
};

/** One checker per GroupApi method (what the daemon sends a primary group host, on the host's own socket). */
export const groupParams = {
  hello: primaryParams.hello,
  host: (v: unknown) =>
    exact<{ name: string }>({
      name: (x, p) => {
        const why = appNameProblem(str(x, p));
        if (why !== null)
          throw new ClusterctlError('E_BAD_NAME', `app name ${JSON.stringify(x)} is not allowed: ${why}`);
        return x as string;
      },
    })(v, 'host params'),
};
