/**
 * The log flags of `clusterctl start`: `--out`, `--err`, `-l/--log`, `--time`,
 * `--log-date-format`, `--log-format`, `--log-max-size`, `--log-retain`, `--log-compress`, turned
 * into the spec's LogSpec. Checked by hand like the other flags (no schema
 * library on the CLI's start-up path), with the limits the daemon enforces.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ClusterctlError } from '../protocol/errors';
import { MAX_LOG_RETAIN, MIN_LOG_MAX_SIZE } from '../protocol/limits';
import { dateFormatProblem } from '../protocol/spec-rules';
import { DEV_NULL_PATH } from '../logfile/line';
import type { LogSpec } from '../protocol/types';
import { parseByteSize } from './file/units';

export interface LogFlags {
  out?: string;
  err?: string;
  /** The combined log (both streams), PM2's `-l/--log`. */
  log?: string;
  time?: boolean;
  logDateFormat?: string;
  logFormat?: string;
  logMaxSize?: string;
  logRetain?: string;
  logCompress?: boolean;
}

function logFile(flag: string, raw: string, callerCwd: string): string {
  if (raw === DEV_NULL_PATH) return raw;
  const path = resolve(callerCwd, raw);
  let isDir: boolean;
  try {
    isDir = statSync(dirname(path)).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ClusterctlError('E_USAGE', `${flag} ${raw}: folder ${dirname(path)} does not exist`);
  return path;
}

/** `logs` with the flags applied; relative paths resolve against the caller's directory. */
export function applyLogFlags(logs: LogSpec, flags: LogFlags, callerCwd: string): LogSpec {
  const next: LogSpec = { ...logs };
  if (flags.out !== undefined) next.out = logFile('--out', flags.out, callerCwd);
  if (flags.err !== undefined) next.err = logFile('--err', flags.err, callerCwd);
  if (flags.log !== undefined) next.combined = logFile('--log', flags.log, callerCwd);
  if (flags.time === true) next.time = true;
  if (flags.logDateFormat !== undefined) {
    const why = dateFormatProblem(flags.logDateFormat);
    if (why !== null)
      throw new ClusterctlError('E_USAGE', `--log-date-format ${JSON.stringify(flags.logDateFormat)}: ${why}`);
    // PM2's log_date_format turns the time on, as --time does.
    next.time = true;
    next.dateFormat = flags.logDateFormat;
  }
  if (flags.logFormat !== undefined) {
    if (flags.logFormat !== 'text' && flags.logFormat !== 'json') {
      throw new ClusterctlError(
        'E_USAGE',
        `--log-format ${JSON.stringify(flags.logFormat)}: expected "text" or "json"`,
      );
    }
    next.format = flags.logFormat;
  }
  if (flags.logMaxSize !== undefined) {
    const bytes = parseByteSize(flags.logMaxSize);
    if (bytes === null || bytes < MIN_LOG_MAX_SIZE) {
      throw new ClusterctlError(
        'E_USAGE',
        `--log-max-size ${JSON.stringify(flags.logMaxSize)}: expected a size of at least 1K, such as 512K, 10M or 1G`,
      );
    }
    next.maxSize = bytes;
  }
  if (flags.logRetain !== undefined) {
    if (!/^\d+$/.test(flags.logRetain.trim()) || Number(flags.logRetain) > MAX_LOG_RETAIN) {
      throw new ClusterctlError(
        'E_USAGE',
        `--log-retain ${JSON.stringify(flags.logRetain)}: expected a whole number from 0 to ${MAX_LOG_RETAIN}`,
      );
    }
    next.retain = Number(flags.logRetain);
  }
  if (flags.logCompress === true) next.compress = true;
  return next;
}
