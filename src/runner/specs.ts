/**
 * The apps `clusterctl run` runs, from its command line: a script with the
 * options of `start`, or a config file with --env NAME and --only a,b, as
 * `start` reads them. Their output goes to run's stdout and stderr (a
 * container's log collector reads them there) unless --out/--err name files.
 */
import { isConfigFile } from '../config/file/detect';
import { specFromFlags, type StartFlags } from '../config/flags';
import { STDERR_PATH, STDOUT_PATH } from '../logfile/line';
import { ClusterctlError } from '../protocol/errors';
import { resolveHome } from '../protocol/paths';
import type { AppSpec, LogSpec } from '../protocol/types';
import { configStartFlags, loadSpecs } from '../cli/commands/start-config';
import { NEW_APP_FLAGS } from '../cli/commands/start-options';
import { notice } from '../cli/output';

export type RunFlags = StartFlags & {
  only?: string;
  raw?: boolean;
  json?: boolean;
  stopTimeout?: string;
  http?: string;
  httpToken?: string;
};

/** What run's own --raw/--json say about the line format on stdout, or undefined. */
function outputFormat(flags: RunFlags): LogSpec['format'] | undefined {
  if (flags.raw && flags.json) throw new ClusterctlError('E_USAGE', '--raw and --json: choose one line format');
  if (flags.raw) return 'raw';
  if (flags.json) return 'json';
  return undefined;
}

function toStdio(spec: AppSpec, flags: RunFlags, format: LogSpec['format'] | undefined): AppSpec {
  const logs: LogSpec = { ...spec.logs };
  if (flags.out === undefined) logs.out = STDOUT_PATH;
  if (flags.err === undefined) logs.err = STDERR_PATH;
  if (format !== undefined) logs.format = format;
  return { ...spec, logs };
}

export async function runSpecs(target: string, args: string[], flags: RunFlags): Promise<AppSpec[]> {
  const format = outputFormat(flags);
  if (isConfigFile(target)) {
    const others: string[] = NEW_APP_FLAGS.filter((f) => f !== 'env' && flags[f] !== undefined);
    if (flags.autorestart === false) others.push('noAutorestart');
    const specs = await loadSpecs(target, configStartFlags(args, flags.env, flags.only, others));
    return specs.map((s) => toStdio(s, flags, format));
  }
  if (flags.only !== undefined)
    throw new ClusterctlError('E_USAGE', '--only selects apps of a config file (*.config.js, .json, .yaml)');
  const notices: string[] = [];
  const spec = specFromFlags(target, args, flags, {
    home: resolveHome(),
    cwd: process.cwd(),
    env: process.env,
    notices,
  });
  // As `start` prints them (a config file's are printed by loadSpecs), before any app starts.
  for (const n of notices) notice(n);
  return [toStdio(spec, flags, format)];
}

/** --stop-timeout in seconds (default 25: under Kubernetes' 30 s grace period). */
export function stopTimeoutMs(raw: string | undefined): number {
  if (raw === undefined) return 25000;
  const s = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || s <= 0 || s > 3600)
    throw new ClusterctlError('E_USAGE', `--stop-timeout ${JSON.stringify(raw)}: expected seconds, from 0.1 to 3600`);
  return Math.round(s * 1000);
}
