/**
 * The restart-policy flags of `clusterctl start`: `--min-uptime`,
 * `--max-restarts`, `--restart-delay`, `--exp-backoff-restart-delay`,
 * `--no-autorestart`, `--stop-exit-codes`, `--max-memory-restart`, plus the
 * instance variables `--instance-var` and `--increment-var`. Checked by hand
 * like the other flags (no schema library on the CLI's start-up path).
 */
import { ClusterctlError } from '../protocol/errors';
import { ENV_NAME_PATTERN, INSTANCE_VAR_PATTERN, MAX_DURATION_MS, MAX_EXIT_CODE } from '../protocol/limits';
import type { AppSpec } from '../protocol/types';
import { parseByteSize, parseDurationMs } from './file/units';

export interface SupervisionFlags {
  minUptime?: string;
  maxRestarts?: string;
  restartDelay?: string;
  expBackoffRestartDelay?: string;
  /** commander sets this to false for --no-autorestart */
  autorestart?: boolean;
  stopExitCodes?: string;
  maxMemoryRestart?: string;
  instanceVar?: string;
  incrementVar?: string;
}

export const SUPERVISION_FLAG_KEYS: Array<keyof SupervisionFlags> = [
  'minUptime',
  'maxRestarts',
  'restartDelay',
  'expBackoffRestartDelay',
  'stopExitCodes',
  'maxMemoryRestart',
  'instanceVar',
  'incrementVar',
];

/** Below this a Node worker cannot even start: the limit would replace it forever. */
const MIN_MEMORY_LIMIT = 16 * 1024 * 1024;

function duration(flag: string, raw: string): number {
  const ms = parseDurationMs(raw);
  if (ms === null || ms > MAX_DURATION_MS)
    throw new ClusterctlError(
      'E_USAGE',
      `${flag} ${JSON.stringify(raw)}: expected a duration such as 500, 500ms, 2s or 1m`,
    );
  return ms;
}

function variable(flag: string, raw: string): string {
  if (!ENV_NAME_PATTERN.test(raw))
    throw new ClusterctlError(
      'E_USAGE',
      `${flag} ${JSON.stringify(raw)}: expected a variable name (letters, digits, "_")`,
    );
  return raw;
}

/** `--instance-var`: any name PM2 takes, as long as the variable can be set. */
function instanceVariable(raw: string): string {
  if (!INSTANCE_VAR_PATTERN.test(raw))
    throw new ClusterctlError(
      'E_USAGE',
      `--instance-var ${JSON.stringify(raw)}: expected a non-empty variable name without "=" or a NUL byte`,
    );
  return raw;
}

/** The spec's supervision fields with the flags applied. */
export function applySupervisionFlags(spec: AppSpec, flags: SupervisionFlags): AppSpec {
  const next: AppSpec = { ...spec };
  if (flags.minUptime !== undefined) next.minUptime = duration('--min-uptime', flags.minUptime);
  if (flags.maxRestarts !== undefined) {
    if (!/^\d+$/.test(flags.maxRestarts.trim()))
      throw new ClusterctlError(
        'E_USAGE',
        `--max-restarts ${JSON.stringify(flags.maxRestarts)}: expected a whole number (0 or more)`,
      );
    next.maxRestarts = Number(flags.maxRestarts);
  }
  if (flags.restartDelay !== undefined) next.restartDelay = duration('--restart-delay', flags.restartDelay);
  if (flags.expBackoffRestartDelay !== undefined)
    next.expBackoffRestartDelay = duration('--exp-backoff-restart-delay', flags.expBackoffRestartDelay);
  if (flags.autorestart === false) next.autorestart = false;
  if (flags.stopExitCodes !== undefined) {
    const parts = flags.stopExitCodes.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) > MAX_EXIT_CODE)) {
      throw new ClusterctlError(
        'E_USAGE',
        `--stop-exit-codes ${JSON.stringify(flags.stopExitCodes)}: expected exit codes 0-${MAX_EXIT_CODE} separated by commas, e.g. 0,42`,
      );
    }
    next.stopExitCodes = parts.map(Number);
  }
  if (flags.maxMemoryRestart !== undefined) {
    const bytes = parseByteSize(flags.maxMemoryRestart);
    if (bytes === null || bytes < MIN_MEMORY_LIMIT) {
      throw new ClusterctlError(
        'E_USAGE',
        `--max-memory-restart ${JSON.stringify(flags.maxMemoryRestart)}: expected a size of at least 16M, such as 300M or 1G`,
      );
    }
    next.maxMemoryRestart = bytes;
  }
  if (flags.instanceVar !== undefined) next.instanceVar = instanceVariable(flags.instanceVar);
  if (flags.incrementVar !== undefined) next.incrementVar = variable('--increment-var', flags.incrementVar);
  return next;
}
