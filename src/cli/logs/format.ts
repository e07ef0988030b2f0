/**
 * How `clusterctl logs` prints a line: `<app>:<instance> <out|err> | <msg>`,
 * led by the time when the line carries one, coloured on a terminal (an
 * app's colour is stable across runs, err in red), or one JSON object per
 * line with `--json`. Also the pino-pretty style rendering of daemon.log.
 */
import type { LogStream, ParsedLogLine } from '../../logfile/line';
import { loadChalk } from '../render/chalk';

export interface LogEntry extends ParsedLogLine {
  app: string;
  stream: LogStream;
}

type Paint = (text: string) => string;

export interface Palette {
  app(name: string): Paint;
  err: Paint;
  warn: Paint;
  dim: Paint;
  bold: Paint;
}

const plain: Paint = (t) => t;

export const NO_COLOR_PALETTE: Palette = { app: () => plain, err: plain, warn: plain, dim: plain, bold: plain };

/** Chalk is only loaded when a terminal will show colours. */
export function colorPalette(): Palette {
  const c = loadChalk();
  const appColors: Paint[] = [
    c.cyan,
    c.magenta,
    c.blue,
    c.green,
    c.yellow,
    c.cyanBright,
    c.magentaBright,
    c.blueBright,
  ];
  return {
    app(name) {
      let h = 0;
      for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
      return appColors[h % appColors.length];
    },
    err: c.red,
    warn: c.yellow,
    dim: c.dim,
    bold: c.bold,
  };
}

export function formatEntry(e: LogEntry, p: Palette): string {
  const who = e.instance === null ? e.app : `${e.app}:${e.instance}`;
  const tag = e.stream === 'err' ? p.err('err') : p.dim('out');
  // A line in the app's own date format shows its time as written; others in ISO 8601.
  const written = e.stamp ?? (e.time === null ? null : new Date(e.time).toISOString());
  const time = written === null ? '' : `${p.dim(written)} `;
  return `${time}${p.app(e.app)(who)} ${tag} ${p.dim('|')} ${e.msg}`;
}

export function formatEntryJson(e: LogEntry): string {
  return JSON.stringify({
    time: e.time === null ? null : new Date(e.time).toISOString(),
    app: e.app,
    instance: e.instance,
    stream: e.stream,
    msg: e.msg,
  });
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

function levelName(level: unknown): string {
  if (typeof level === 'number') return LEVELS[level] ?? `L${level}`;
  if (typeof level === 'string') return level.toUpperCase();
  return 'INFO';
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  // Typed as string, but undefined for undefined, a function or a symbol.
  const json = JSON.stringify(v) as string | undefined;
  return json ?? String(v);
}

/** One pino JSON line as `<time> <LEVEL> (<pid>) <msg> key=value …`, an error's stack indented below; other lines unchanged. */
export function formatDaemonLine(line: string, p: Palette): string {
  let rec: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return line;
    rec = v as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = levelName(rec.level);
  const paintLevel = level === 'ERROR' || level === 'FATAL' ? p.err : level === 'WARN' ? p.warn : p.dim;
  const time =
    typeof rec.time === 'string' ? rec.time : typeof rec.time === 'number' ? new Date(rec.time).toISOString() : '';
  const pid = typeof rec.pid === 'number' ? ` (${rec.pid})` : '';
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const extras: string[] = [];
  let stack = '';
  for (const [k, v] of Object.entries(rec)) {
    if (HIDDEN.has(k)) continue;
    if (k === 'err' && typeof v === 'object' && v !== null) {
      const err = v as Record<string, unknown>;
      extras.push(`err=${renderValue(err.message ?? err.type ?? '')}`);
      if (typeof err.stack === 'string')
        stack = err.stack
          .split('\n')
          .slice(1)
          .map((l) => `\n    ${l.trim()}`)
          .join('');
      continue;
    }
    extras.push(`${k}=${renderValue(v)}`);
  }
  const tail = extras.length > 0 ? ` ${p.dim(extras.join(' '))}` : '';
  return `${p.dim(time)} ${paintLevel(level.padEnd(5))}${pid} ${p.bold(msg)}${tail}${p.dim(stack)}`;
}
