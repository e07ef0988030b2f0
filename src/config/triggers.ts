/**
 * Watch and cron settings, from flags (`--watch`, `--ignore-watch`,
 * `--watch-delay`, `--cron-restart`, `--cron-tz`) or from a config file
 * (`watch`, `ignore_watch`, `watch_delay`, `watch_options`, `cron_restart`,
 * `cron_tz`), checked here once for both.
 */
import { resolve } from 'node:path';
import { ClusterctlError } from '../protocol/errors';
import type { CronSpec, WatchSpec } from '../protocol/types';
import { DEFAULTS } from './defaults';

export interface WatchInput {
  /** true: watch the cwd; a path or paths: watch those (relative to cwd). */
  watch: boolean | string | string[];
  ignore?: string[];
  delayMs?: number;
  usePolling?: boolean;
  interval?: number;
  followSymlinks?: boolean;
}

/** null when `watch` is false (or an empty list). */
export function watchSpecOf(input: WatchInput, cwd: string): WatchSpec | null {
  const { watch } = input;
  if (watch === false) return null;
  const given = watch === true ? [] : Array.isArray(watch) ? watch : [watch];
  const paths = given.length === 0 ? [cwd] : given.map((p) => resolve(cwd, p));
  return {
    paths: [...new Set(paths)],
    ignore: input.ignore ?? [],
    delayMs: input.delayMs ?? DEFAULTS.watchDelayMs,
    usePolling: input.usePolling ?? false,
    interval: input.interval ?? DEFAULTS.watchPollIntervalMs,
    followSymlinks: input.followSymlinks ?? true,
  };
}

/** The reason `expr`/`tz` cannot be scheduled, or null when they can. */
export function cronProblem(expr: string, tz: string | null): string | null {
  const fields = expr.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    return `expected 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields}`;
  if (tz !== null) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      return `unknown time zone ${JSON.stringify(tz)} (expected an IANA name such as "Europe/Paris" or "UTC")`;
    }
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a command with a schedule loads croner
    const { Cron } = require('croner') as typeof import('croner');
    new Cron(expr.trim(), { paused: true, ...(tz === null ? {} : { timezone: tz }) }).stop();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return null;
}

/** A checked CronSpec; `flag` names the option in the error ("--cron-restart", "cron_restart"). */
export function cronSpecOf(expr: string, tz: string | null, flag: string, code: 'E_USAGE' | 'E_CONFIG'): CronSpec {
  const problem = cronProblem(expr, tz);
  if (problem !== null) throw new ClusterctlError(code, `${flag} ${JSON.stringify(expr)}: ${problem}`);
  return { expr: expr.trim(), tz };
}

/** The flags as commander hands them over. */
export interface TriggerFlags {
  /** `--watch` alone: true; `--watch a b`: the paths. */
  watch?: boolean | string[];
  ignoreWatch?: string[];
  watchDelay?: string;
  cronRestart?: string;
  cronTz?: string;
}

export const TRIGGER_FLAG_KEYS: Array<keyof TriggerFlags> = [
  'watch',
  'ignoreWatch',
  'watchDelay',
  'cronRestart',
  'cronTz',
];

function delayFlag(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 60_000)
    throw new ClusterctlError('E_USAGE', `--watch-delay ${JSON.stringify(raw)}: expected 0 to 60000 ms`);
  return Number(raw);
}

export function applyTriggerFlags<S extends { cwd: string; watch: WatchSpec | null; cron: CronSpec | null }>(
  spec: S,
  flags: TriggerFlags,
): S {
  const out = { ...spec };
  if (flags.watch === undefined && (flags.ignoreWatch !== undefined || flags.watchDelay !== undefined))
    throw new ClusterctlError('E_USAGE', '--ignore-watch and --watch-delay need --watch');
  if (flags.watch !== undefined) {
    out.watch = watchSpecOf(
      {
        watch: flags.watch,
        ignore: flags.ignoreWatch,
        delayMs: flags.watchDelay === undefined ? undefined : delayFlag(flags.watchDelay),
      },
      spec.cwd,
    );
  }
  if (flags.cronRestart === undefined && flags.cronTz !== undefined)
    throw new ClusterctlError('E_USAGE', '--cron-tz needs --cron-restart');
  if (flags.cronRestart !== undefined)
    out.cron = cronSpecOf(flags.cronRestart, flags.cronTz ?? null, '--cron-restart', 'E_USAGE');
  return out;
}
