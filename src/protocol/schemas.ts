/**
 * Runtime checks for everything that crosses a socket into the daemon (the
 * app primary checks its own params by hand: see ./primary-params). The
 * types in ./types and ./api are the contract; these schemas are that
 * contract enforced. (The CLI does not import this file: zod costs ~40 ms to
 * load, and the CLI only reads replies from a daemon it trusts.)
 */
import { z } from 'zod';
import { ClusterctlError } from './errors';
import { APP_NAME_PATTERN, STOP_SIGNALS } from './types';
import type { AppSpec } from './types';

const ms = z
  .number()
  .int()
  .min(0)
  .max(24 * 3600 * 1000);
const posInt = z.number().int().min(1);

export const appNameSchema = z.string().regex(APP_NAME_PATTERN, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
const stopSignalSchema = z.enum(STOP_SIGNALS as unknown as ['SIGINT', ...Array<'SIGINT'>]);
const absPath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/'), 'must be an absolute path');

export const logSpecSchema = z
  .object({
    out: absPath,
    err: absPath,
    time: z.boolean(),
    format: z.enum(['text', 'json']),
    maxSize: z.number().int().min(1024),
    retain: z.number().int().min(0).max(1000),
    compress: z.boolean(),
  })
  .strict();

export const appSpecSchema = z
  .object({
    name: appNameSchema,
    script: absPath,
    args: z.array(z.string()),
    cwd: absPath,
    instances: posInt.max(4096),
    nodeArgs: z.array(z.string()),
    interpreter: absPath,
    env: z.record(z.string(), z.string()),
    killTimeout: ms,
    stopSignal: stopSignalSchema,
    waitReady: z.boolean(),
    listenTimeout: ms.min(1),
    minUptime: ms,
    maxRestarts: z.number().int().min(0),
    restartDelay: ms,
    expBackoffRestartDelay: ms,
    autorestart: z.boolean(),
    stopExitCodes: z.array(z.number().int().min(0).max(255)),
    maxMemoryRestart: z.number().int().min(0),
    instanceVar: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    incrementVar: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .nullable(),
    scheduling: z.enum(['rr', 'none']),
    logs: logSpecSchema,
  })
  .strict();

const lifecycleOverrides = {
  waitReady: z.boolean().optional(),
  listenTimeout: ms.min(1).optional(),
  killTimeout: ms.optional(),
  stopSignal: stopSignalSchema.optional(),
};

const empty = z.object({}).strict();
const target = z.string().min(1);

export const daemonParamSchemas = {
  hello: z.object({ protocol: z.number().int(), version: z.string() }),
  ping: empty,
  list: empty,
  describe: z.object({ name: z.string().min(1) }).strict(),
  start: z.object({ spec: appSpecSchema }).strict(),
  resume: z.object({ target }).strict(),
  stop: z.object({ target }).strict(),
  restart: z
    .object({
      target,
      options: z
        .object({ ...lifecycleOverrides, env: z.record(z.string(), z.string()).optional() })
        .strict()
        .optional(),
    })
    .strict(),
  delete: z.object({ target }).strict(),
  scale: z
    .object({
      name: z.string().min(1),
      target: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('absolute'), value: z.number().int() }),
        z.object({ mode: z.literal('relative'), value: z.number().int() }),
        z.object({ mode: z.literal('max') }),
      ]),
    })
    .strict(),
  reload: z
    .object({
      target,
      options: z
        .object({ ...lifecycleOverrides, parallel: posInt.max(4096).optional(), spec: appSpecSchema.optional() })
        .strict()
        .optional(),
    })
    .strict(),
  kill: empty,
  flush: z.object({ target: target.optional() }).strict(),
  reloadLogs: empty,
  save: z.object({ force: z.boolean().optional() }).strict(),
  resurrect: empty,
} as const;

/** Parses `value` or throws a one-line E_BAD_SPEC naming the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new ClusterctlError('E_BAD_SPEC', `invalid ${what}: ${where}: ${issue ? issue.message : 'invalid'}`);
}

export function parseAppSpec(value: unknown): AppSpec {
  return parseWith(appSpecSchema, value, 'app spec') as AppSpec;
}
