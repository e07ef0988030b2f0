/**
 * Runtime checks for everything that crosses a socket into the daemon (the
 * app primary checks its own params by hand: see ./primary-params). The
 * types in ./types and ./api are the contract; these schemas are that
 * contract enforced. (The CLI does not import this file: zod costs ~40 ms to
 * load, and the CLI only reads replies from a daemon it trusts.)
 */
import { z } from 'zod';
import type { DaemonApi, DaemonMethod } from './api';
import { ClusterctlError } from './errors';
import { appNameProblem, DEFAULT_NAMESPACE, namespaceProblem } from './app-name';
import { dateFormatProblem, specConflict } from './spec-rules';
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

const ms = z.number().int().min(0).max(MAX_DURATION_MS);
const posInt = z.number().int().min(1);

export const appNameSchema = z.string().superRefine((name, ctx) => {
  const why = appNameProblem(name);
  if (why !== null) ctx.addIssue({ code: 'custom', message: `not an app name: ${why}` });
});
const stopSignalSchema = z.enum(STOP_SIGNALS);
const envName = z.string().regex(ENV_NAME_PATTERN);
const absPath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/'), 'must be an absolute path');

export const logSpecSchema = z
  .object({
    out: absPath,
    err: absPath,
    time: z.boolean(),
    // Specs saved before date formats existed load as "ISO 8601".
    dateFormat: z
      .string()
      .superRefine((f, ctx) => {
        const why = dateFormatProblem(f);
        if (why !== null) ctx.addIssue({ code: 'custom', message: why });
      })
      .nullable()
      .default(null),
    format: z.enum(['text', 'json', 'raw']),
    maxSize: z.number().int().min(MIN_LOG_MAX_SIZE),
    retain: z.number().int().min(0).max(MAX_LOG_RETAIN),
    compress: z.boolean(),
    // Specs saved before the combined log existed load as "no combined log".
    combined: absPath.nullable().default(null),
  })
  .strict();

export const watchSpecSchema = z
  .object({
    paths: z.array(absPath).min(1),
    ignore: z.array(z.string().min(1)),
    delayMs: ms,
    usePolling: z.boolean(),
    interval: posInt.max(MAX_DURATION_MS),
    followSymlinks: z.boolean(),
  })
  .strict();

export const cronSpecSchema = z
  .object({ expr: z.string().min(1).max(200), tz: z.string().min(1).max(100).nullable() })
  .strict();

export const appSpecSchema = z
  .object({
    name: appNameSchema,
    script: absPath,
    args: z.array(z.string()),
    cwd: absPath,
    instances: posInt.max(MAX_INSTANCES),
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
    stopExitCodes: z.array(z.number().int().min(0).max(MAX_EXIT_CODE)),
    maxMemoryRestart: z.number().int().min(0),
    instanceVar: z.string().regex(INSTANCE_VAR_PATTERN),
    incrementVar: envName.nullable(),
    scheduling: z.enum(['rr', 'none']),
    logs: logSpecSchema,
    // Specs saved before watch/cron existed load as "not watched, no schedule".
    watch: watchSpecSchema.nullable().default(null),
    cron: cronSpecSchema.nullable().default(null),
    // Fork mode and probes: defaulted, so state files written before them still load.
    execMode: z.enum(EXEC_MODES).default('cluster'),
    execInterpreter: z.string().min(1).default('node'),
    interpreterArgs: z.array(z.string()).default([]),
    readyUrl: z.url().nullable().default(null),
    readyPort: z.number().int().min(1).max(65535).nullable().default(null),
    readyLog: z.string().min(1).nullable().default(null),
    // Defaulted: state.json and dump.json written before these fields existed still load.
    shutdownWithMessage: z.boolean().default(false),
    sticky: z.boolean().default(false),
    primaryGroup: z
      .string()
      .refine((g) => appNameProblem(g) === null, 'not a primary group name')
      .nullable()
      .default(null),
    namespace: z
      .string()
      .superRefine((ns, ctx) => {
        const why = namespaceProblem(ns);
        if (why !== null) ctx.addIssue({ code: 'custom', message: `not a namespace: ${why}` });
      })
      .default(DEFAULT_NAMESPACE),
  })
  .strict()
  // A client speaking the socket API sends specs no flag or file could make (spec-rules.ts).
  .superRefine((spec, ctx) => {
    const conflict = specConflict(spec);
    if (conflict) ctx.addIssue({ code: 'custom', path: conflict.field.split('.'), message: conflict.why });
  });

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
        .object({
          ...lifecycleOverrides,
          env: z.record(z.string(), z.string()).optional(),
          primaryGroup: z
            .string()
            .refine((g) => appNameProblem(g) === null, 'not a primary group name')
            .nullable()
            .optional(),
          scheduling: z.enum(['rr', 'none']).optional(),
          spec: appSpecSchema.optional(),
        })
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
        .object({
          ...lifecycleOverrides,
          parallel: posInt.max(MAX_INSTANCES).optional(),
          spec: appSpecSchema.optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  kill: empty,
  flush: z.object({ target: target.optional() }).strict(),
  reloadLogs: empty,
  save: z.object({ force: z.boolean().optional(), empty: z.boolean().optional() }).strict(),
  resurrect: empty,
  webStatus: empty,
  webConfigure: z
    .object({
      config: z
        .object({
          enabled: z.boolean(),
          host: z.string().min(1).max(255),
          port: z.number().int().min(1).max(65535),
          readOnly: z.boolean(),
        })
        .strict(),
    })
    .strict(),
  webToken: empty,
  subscribe: empty,
  reset: z.object({ target }).strict(),
  sendSignal: z
    .object({
      name: z.string().min(1),
      signal: z.enum(SENDABLE_SIGNALS),
      instance: z.number().int().min(0).max(MAX_INSTANCES).optional(),
    })
    .strict(),
  env: z.object({ name: z.string().min(1), instance: z.number().int().min(0).max(MAX_INSTANCES).optional() }).strict(),
} as const satisfies { [M in DaemonMethod]: z.ZodType<DaemonApi[M]['params']> };

/** Parses `value` or throws a one-line E_BAD_SPEC naming the first bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues.at(0);
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new ClusterctlError('E_BAD_SPEC', `invalid ${what}: ${where}: ${issue ? issue.message : 'invalid'}`);
}

export function parseAppSpec(value: unknown): AppSpec {
  return parseWith(appSpecSchema, value, 'app spec');
}

/*
 * The interfaces in ./types and ./api stay the documented contract; these
 * checks fail the build when a schema and its type disagree in either
 * direction (a field added, dropped, made optional or retyped on one side).
 */
/** Exact equality (optional and readonly modifiers included), not mere mutual assignability. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T only exists to make TypeScript compare A and B exactly
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Agree<T extends true> = T;
export type SchemaChecks = [
  Agree<Same<z.output<typeof appSpecSchema>, AppSpec>>,
  Agree<Same<z.output<typeof logSpecSchema>, LogSpec>>,
  Agree<Same<z.output<typeof watchSpecSchema>, WatchSpec>>,
  Agree<Same<z.output<typeof cronSpecSchema>, CronSpec>>,
  Agree<{ [M in DaemonMethod]: Same<z.output<(typeof daemonParamSchemas)[M]>, DaemonApi[M]['params']> }[DaemonMethod]>,
];
