/**
 * The on-disk shape of one captured log line, written by the app primary and
 * read back by `clusterctl logs`. It lives here because both sides must agree
 * on it byte for byte.
 *
 * text:            `<instance>|<message>`            e.g. `1|listening on 3000`
 * text with time:  `<ISO time> <instance>|<message>` e.g. `2026-01-02T03:04:05.678Z 1|listening on 3000`
 * json:            `{"time":"<ISO>","app":"api","instance":1,"stream":"out","msg":"listening on 3000"}`
 *
 * The instance comes first and is all digits, so `grep '^1|'` finds one
 * instance's lines and the parse below is unambiguous even when a message
 * itself starts with a date or contains `|`.
 */

export type LogStream = 'out' | 'err';
/** A log path that discards: nothing is opened, rotated or read. */
export const DEV_NULL_PATH = '/dev/null';
export type LogFormat = 'text' | 'json' | 'raw';
/** Log paths that are the primary's own stdout and stderr (`clusterctl run`): no file, no rotation. */
export const STDOUT_PATH = '/dev/stdout';
export const STDERR_PATH = '/dev/stderr';

export interface ParsedLogLine {
  /** epoch ms, or null when the line carries no time (text format without --time). */
  time: number | null;
  /** null when the line is not in any format we write (e.g. a file edited by hand). */
  instance: number | null;
  msg: string;
}

export interface LineFormatter {
  /** Formats whole lines (without their '\n') received together at `now`; returns them joined, each ending in '\n'. */
  format(lines: readonly string[], now: Date): string;
}

export function createLineFormatter(
  app: string,
  instance: number,
  stream: LogStream,
  format: LogFormat,
  time: boolean,
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
      const prefix = time ? `${now.toISOString()} ${tag}` : tag;
      let out = '';
      for (const line of lines) out += prefix + line + '\n';
      return out;
    },
  };
}

const TEXT_TIMED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (\d{1,9})\|/;
const TEXT_PLAIN = /^(\d{1,9})\|/;

/** Parses a line in either format (the format of a file can change across a restart, so both are tried). */
export function parseLogLine(line: string): ParsedLogLine {
  if (line.startsWith('{')) {
    const parsed = parseJsonLine(line);
    if (parsed) return parsed;
  }
  const timed = TEXT_TIMED.exec(line);
  if (timed) {
    return { time: Date.parse(timed[1]), instance: Number(timed[2]), msg: line.slice(timed[0].length) };
  }
  const plain = TEXT_PLAIN.exec(line);
  if (plain) return { time: null, instance: Number(plain[1]), msg: line.slice(plain[0].length) };
  return { time: null, instance: null, msg: line };
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
