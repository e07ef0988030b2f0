/**
 * The on-disk shape of one captured log line, written by the app primary and
 * read back by `clusterctl logs`. It lives here because both sides must agree
 * on it byte for byte.
 *
 * text:            `<instance>|<message>`            e.g. `1|listening on 3000`
 * text with time:  `<ISO time> <instance>|<message>` e.g. `2026-01-02T03:04:05.678Z 1|listening on 3000`
 * with a date format (log_date_format, ./date-format.ts):
 *                  `<stamp> <instance>|<message>`     e.g. `2026-01-02 04:04:05 +01:00 1|listening on 3000`
 * json:            `{"time":"<ISO>","app":"api","instance":1,"stream":"out","msg":"listening on 3000"}`
 *                  (always ISO: a machine reads it)
 *
 * The instance comes first and is all digits, so `grep '^1|'` finds one
 * instance's lines and the parse below is unambiguous even when a message
 * itself starts with a date or contains `|`.
 */

import type { LogSpec } from '../protocol/types';
import { formatDate, type StampReader } from './date-format';

export type LogStream = 'out' | 'err';
/** A log path that discards: nothing is opened, rotated or read. */
export const DEV_NULL_PATH = '/dev/null';
export type LogFormat = 'text' | 'json' | 'raw';
/** Log paths that are the primary's own stdout and stderr (`clusterctl run`): no file, no rotation. */
export const STDOUT_PATH = '/dev/stdout';
export const STDERR_PATH = '/dev/stderr';

export interface ParsedLogLine {
  /** epoch ms, or null when the line carries no time (text format without --time) or one that cannot be read back. */
  time: number | null;
  /** The time as the line writes it, when it is in the app's own date format (log_date_format). */
  stamp?: string;
  /** null when the line is not in any format we write (e.g. a file edited by hand). */
  instance: number | null;
  msg: string;
}

export interface LineFormatter {
  /** Formats whole lines (without their '\n') received together at `now`; returns them joined, each ending in '\n'. */
  format(lines: readonly string[], now: Date): string;
}

/** How a text line's time is written: null for none, else the text for the moment the lines came. */
export type Stamp = ((now: Date) => string) | null;

/** The stamp of a log spec: none, ISO 8601 (`--time`), or its date format (`--log-date-format`). */
export function stampOf(logs: Pick<LogSpec, 'time' | 'dateFormat'>): Stamp {
  if (!logs.time) return null;
  return logs.dateFormat === null ? (now) => now.toISOString() : formatDate(logs.dateFormat);
}

export function createLineFormatter(
  app: string,
  instance: number,
  stream: LogStream,
  format: LogFormat,
  stamp: Stamp,
  /** Tag lines with the app too (`app:instance|`): on a stdout shared by every app of `clusterctl run`. */
  withApp = false,
): LineFormatter {
  if (format === 'raw') return { format: (lines) => lines.map((l) => `${l}\n`).join('') };
  if (format === 'json') {
    return {
      format(lines, now) {
        // The fixed part is built once per batch: every line of one read arrived at the same moment.
        const head = `{"time":"${now.toISOString()}","app":${JSON.stringify(app)},"instance":${instance},"stream":"${stream}","msg":`;
        let out = '';
        for (const line of lines) out += head + JSON.stringify(line) + '}\n';
        return out;
      },
    };
  }
  const tag = withApp ? `${app}:${instance}|` : `${instance}|`;
  return {
    format(lines, now) {
      const prefix = stamp === null ? tag : `${stamp(now)} ${tag}`;
      let out = '';
      for (const line of lines) out += prefix + line + '\n';
      return out;
    },
  };
}

const TEXT_TIMED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (\d{1,9})\|/;
const TEXT_PLAIN = /^(\d{1,9})\|/;

/**
 * Parses a line in any format we write (the format of a file can change across a restart, so
 * each is tried); `reader` reads the stamps of the app's date format, when it has one.
 */
export function parseLogLine(line: string, reader: StampReader | null = null): ParsedLogLine {
  if (line.startsWith('{')) {
    const parsed = parseJsonLine(line);
    if (parsed) return parsed;
  }
  const timed = TEXT_TIMED.exec(line);
  if (timed) {
    return { time: Date.parse(timed[1]), instance: Number(timed[2]), msg: line.slice(timed[0].length) };
  }
  // A stamp holds no "|" (spec-rules.ts refuses it in a format), so a line that starts with a tag has none.
  const plain = TEXT_PLAIN.exec(line);
  if (plain) return { time: null, instance: Number(plain[1]), msg: line.slice(plain[0].length) };
  const stamped = reader === null ? null : parseStamped(line, reader);
  return stamped ?? { time: null, instance: null, msg: line };
}

function parseStamped(line: string, reader: StampReader): ParsedLogLine | null {
  const split = reader.split(line);
  const plain = split === null || split.stamp.includes('|') ? null : TEXT_PLAIN.exec(split.rest);
  if (split === null || plain === null) return null;
  return {
    time: reader.timeOf(split.stamp),
    stamp: split.stamp,
    instance: Number(plain[1]),
    msg: split.rest.slice(plain[0].length),
  };
}

function parseJsonLine(line: string): ParsedLogLine | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const rec = value as Record<string, unknown>;
  if (typeof rec.msg !== 'string') return null;
  const time = typeof rec.time === 'string' ? Date.parse(rec.time) : NaN;
  return {
    time: Number.isFinite(time) ? time : null,
    instance: typeof rec.instance === 'number' && Number.isInteger(rec.instance) ? rec.instance : null,
    msg: rec.msg,
  };
}
