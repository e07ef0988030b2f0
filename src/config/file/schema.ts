/**
 * The shape of one entry of a config file's `apps` array, in PM2's field
 * names, enforced with zod. Every message is worded for the person editing
 * the file: the loader prefixes it with the file, the app and the field.
 * Values are normalised here (sizes to bytes, durations to ms, argument
 * strings to arrays) so the mapping to an AppSpec is plain assignment.
 */
import { z } from 'zod';
import { parseInstances, type InstancesRequest } from '../instances';
import {
  ENV_NAME_PATTERN,
  INSTANCE_VAR_PATTERN,
  MAX_DURATION_MS,
  MAX_EXIT_CODE,
  MAX_LOG_RETAIN,
  MIN_LOG_MAX_SIZE,
} from '../../protocol/limits';
import { appNameProblem, namespaceProblem } from '../../protocol/app-name';
import { dateFormatProblem } from '../../protocol/spec-rules';
import { STOP_SIGNALS } from '../../protocol/types';
import { splitArgs } from '../flags';
import { parseByteSize, parseDurationMs } from './units';

/** A missing value and a wrong one get different words. */
function msg(expected: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? `is required` : `must be ${expected}`) };
}

const words = (what: string) =>
  z
    .union([z.string(), z.array(z.union([z.string(), z.number()]))], msg(`a string or an array of strings (${what})`))
    .transform((v, ctx) => {
      if (Array.isArray(v)) return v.map(String);
      try {
        return splitArgs(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'has an unclosed quote' });
        return z.NEVER;
      }
    });

const durationMs = (min = 0) =>
  z
    .union([z.number(), z.string()], msg('a number of milliseconds or a duration such as "500ms", "1s", "2m"'))
    .transform((v, ctx) => {
      const ms = parseDurationMs(v);
      if (ms === null || ms < min || ms > MAX_DURATION_MS) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a number of milliseconds or a duration such as "500ms", "1s", "2m" (${min} ms to 24 h)`,
        });
        return z.NEVER;
      }
      return ms;
    });

const byteSize = (min: number) =>
  z.union([z.number(), z.string()], msg('a number of bytes or a size such as "300M" (K, M, G)')).transform((v, ctx) => {
    const bytes = parseByteSize(v);
    if (bytes === null || bytes < min) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a number of bytes or a size such as "300M" (K, M, G)${min > 0 ? `, at least ${min}` : ''}`,
      });
      return z.NEVER;
    }
    return bytes;
  });

const bool = z.boolean(msg('true or false'));
/** A string that `problem` accepts (null); otherwise its reason, after `prefix`. */
const checked = (problem: (value: string) => string | null, prefix = 'is not allowed: ') =>
  z.string(msg('a string')).superRefine((value, ctx) => {
    const why = problem(value);
    if (why !== null) ctx.addIssue({ code: 'custom', message: `${prefix}${why}` });
  });
const path = z.string(msg('a path')).min(1, 'must not be empty');
const envVarName = z
  .string(msg('an environment variable name'))
  .regex(ENV_NAME_PATTERN, `must be an environment variable name (${ENV_NAME_PATTERN.source.slice(1, -1)})`);
const count = (max: number) =>
  z
    .number(msg('a whole number'))
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(max, `must be at most ${max}`);

const instances = z
  .union([z.number(), z.string()], msg('a positive integer, "max" or a negative number'))
  .transform((v, ctx): InstancesRequest => {
    const text = String(v);
    try {
      if (typeof v === 'number' && !Number.isInteger(v)) throw new Error('not an integer');
      return parseInstances(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a positive integer, "max" or a negative number' });
      return z.NEVER;
    }
  });

/**
 * env blocks as PM2 takes them: numbers and booleans become strings (`PORT:
 * 3000`), objects and arrays their JSON text, and `undefined` leaves the
 * variable unset (the loader says which).
 */
export const envBlockSchema = z
  .record(
    z.string(),
    z.union(
      [
        z.string(),
        z.number(),
        z.boolean(),
        z.undefined(),
        z.null(),
        z.array(z.unknown()),
        z.record(z.string(), z.unknown()),
      ],
      msg('a string, a number, a boolean, an object or an array'),
    ),
    msg('an object of NAME: value pairs'),
  )
  .superRefine((env, ctx) => {
    for (const key of Object.keys(env)) {
      if (!ENV_NAME_PATTERN.test(key) || key.includes('=')) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is not a valid environment variable name' });
      }
    }
  })
  .transform((env) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) continue;
      out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    }
    return out;
  });

/** Every key an app entry may have, besides `env_<name>` blocks. */
export const appEntrySchema = z.looseObject({
  name: checked(appNameProblem).optional(),
  script: z.string(msg("the path of the app's main file")).min(1, 'must not be empty'),
  args: words('the arguments the script gets').optional(),
  cwd: path.optional(),
  instances: instances.optional(),
  exec_mode: z
    .enum(['cluster', 'cluster_mode', 'fork', 'fork_mode'], msg('"cluster", "cluster_mode", "fork" or "fork_mode"'))
    .optional(),
  node_args: words('Node flags for the workers').optional(),
  interpreter_args: words("the interpreter's arguments (Node flags for Node)").optional(),
  interpreter: path.optional(),
  env: envBlockSchema.optional(),
  max_memory_restart: byteSize(0).optional(),
  kill_timeout: durationMs().optional(),
  shutdown_with_message: bool.optional(),
  sticky: bool.optional(),
  // A clusterctl extension (PM2 has no such key): apps of one group share one primary process.
  primary_group: checked(appNameProblem).optional(),
  // PM2's namespace: a verb given it as a target acts on every app of it.
  namespace: checked(namespaceProblem).optional(),
  // A clusterctl extension: node:cluster's scheduling, 'rr' (the primary accepts) or 'none' (the workers accept).
  scheduling: z.enum(['rr', 'none'], msg('"rr" or "none"')).optional(),
  wait_ready: bool.optional(),
  listen_timeout: durationMs(1).optional(),
  min_uptime: durationMs().optional(),
  max_restarts: count(1_000_000).optional(),
  restart_delay: durationMs().optional(),
  exp_backoff_restart_delay: durationMs().optional(),
  autorestart: bool.optional(),
  stop_exit_codes: z
    .union([z.number(), z.array(z.number())], msg(`an exit code (0-${MAX_EXIT_CODE}) or an array of them`))
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .refine(
      (codes) => codes.every((c) => Number.isInteger(c) && c >= 0 && c <= MAX_EXIT_CODE),
      `must be an exit code (0-${MAX_EXIT_CODE}) or an array of them`,
    )
    .optional(),
  increment_var: envVarName.optional(),
  instance_var: z
    .string(msg('a string (the variable that holds the instance number)'))
    .regex(INSTANCE_VAR_PATTERN, 'must be a non-empty variable name without "=" or a NUL byte')
    .optional(),
  out_file: path.optional(),
  error_file: path.optional(),
  // PM2 writes "" for "no format": accepted as such (to-spec.ts).
  log_date_format: checked((f) => (f === '' ? null : dateFormatProblem(f)), '').optional(),
  time: bool.optional(),
  // PM2 aliases and conveniences (fork-mode helper)
  port: z.union([z.number(), z.string()], msg('a port number')).transform(String).optional(),
  output: path.optional(),
  error: path.optional(),
  err_file: path.optional(),
  // clusterctl's own options
  ready_url: z.string(msg('an http:// URL')).optional(),
  ready_port: z.union([z.number(), z.string()], msg('a port number')).optional(),
  ready_log: z.string(msg('a text')).min(1, 'must not be empty').optional(),
  stop_signal: z.enum(STOP_SIGNALS, msg(`one of ${STOP_SIGNALS.join(', ')}`)).optional(),
  log_format: z.enum(['text', 'json'], msg('"text" or "json"')).optional(),
  log_type: z.enum(['json'], msg('"json"')).optional(),
  log_max_size: byteSize(MIN_LOG_MAX_SIZE).optional(),
  log_retain: count(MAX_LOG_RETAIN).optional(),
  log_compress: bool.optional(),
  // The combined log (both streams): a path, or true for CLUSTERCTL_HOME/logs/<name>-combined.log. `log` is PM2's alias.
  log_file: z.union([z.string().min(1, 'must not be empty'), z.boolean()], msg('a path, or true or false')).optional(),
  log: z.union([z.string().min(1, 'must not be empty'), z.boolean()], msg('a path, or true or false')).optional(),
  // watch and cron (src/config/triggers.ts turns them into the spec's watch and cron)
  watch: z
    .union(
      [z.boolean(), z.string().min(1), z.array(z.string().min(1))],
      msg('true, false, a path or an array of paths'),
    )
    .optional(),
  ignore_watch: z
    .union([z.string().min(1), z.array(z.string().min(1))], msg('a glob or an array of globs'))
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  watch_delay: durationMs().optional(),
  watch_options: z
    .object(
      { usePolling: bool.optional(), interval: durationMs(1).optional(), followSymlinks: bool.optional() },
      msg('an object with usePolling, interval, followSymlinks'),
    )
    .strict()
    .optional(),
  cron_restart: z.string(msg('a cron expression such as "0 3 * * *"')).min(1, 'must not be empty').optional(),
  cron_tz: z.string(msg('an IANA time zone such as "Europe/Paris"')).min(1, 'must not be empty').optional(),
});

export type AppEntry = z.output<typeof appEntrySchema>;

export const KNOWN_APP_KEYS: ReadonlySet<string> = new Set(Object.keys(appEntrySchema.shape));

/** `env_production`, `env_staging`, ...: selected with `--env <name>`. */
export const ENV_BLOCK_KEY = /^env_(.+)$/;
