/**
 * monit's screen as text, from what it knows: a title, the table of apps
 * and workers (the selected app marked), the selected app's newest log
 * lines, the outcome of the last action and the keys. Pure: the same model,
 * size and time give the same frame, so it is tested without a terminal.
 */
import type { AppInfo, WorkerInfo } from '../../protocol/types';
import { servingWorkers } from '../../protocol/workers';
import { humanBytes, humanCpu, humanDuration } from '../render/format';
import { instanceLabel, restartLeftMs, sortedWorkers } from '../render/worker-text';
import type { LogLine } from './log-buffer';
import type { MonitModel } from './model';
import type { MonitPalette } from './palette';
import { fitLine, padRight, widthOf, type Segment } from './text';

export interface ScreenSize {
  cols: number;
  rows: number;
}

export interface ScreenInput {
  model: MonitModel;
  /** The selected app's newest log lines, oldest first (at least as many as fit). */
  logs: readonly LogLine[];
  size: ScreenSize;
  now: number;
  palette: MonitPalette;
}

export const KEY_HELP = '↑/↓ j/k select   r reload   R restart   s stop   q quit';
const HEAD = ['app', 'id', 'pid', 'status', 'restarts', 'uptime', 'cpu', 'mem'];
/** Title, table head, log rule, status line, key help. */
const FIXED_LINES = 5;
/** Log lines kept visible however many workers there are. */
const MIN_LOG_LINES = 3;
export const MIN_ROWS = FIXED_LINES + 2;

interface Row {
  app: string;
  cells: string[];
  status: AppInfo['status'] | AppInfo['workers'][number]['status'];
}

/**
 * The status cell: a waiting row gets the time left (`waiting-restart 2.4s`,
 * then `waiting-restart now`), counted from `restartAt` at every tick as
 * `ls` counts it (restartLeftMs). In the status cell, not a reason column:
 * the status is the fourth column, so a narrow terminal cuts the table's end
 * before it, and a long reason there would push the time out of sight.
 */
export function statusCell(w: Pick<WorkerInfo, 'status' | 'restartAt'>, now: number): string {
  const left = restartLeftMs(w, now);
  if (left === null) return w.status;
  if (left === 0) return `${w.status} now`;
  // Tenths below 10 s, so a short delay does not read "1s" until it is due.
  const tenths = Math.ceil(left / 100);
  return `${w.status} ${tenths < 100 ? (tenths / 10).toFixed(1) : String(Math.ceil(left / 1000))}s`;
}

function rowsOf(apps: readonly AppInfo[], now: number): Row[] {
  const rows: Row[] = [];
  for (const app of apps) {
    if (app.workers.length === 0) {
      rows.push({ app: app.name, status: app.status, cells: [app.name, '-', '-', app.status, '-', '-', '-', '-'] });
      continue;
    }
    for (const w of sortedWorkers(app.workers)) {
      const up = w.startedAt === null || w.status !== 'online' ? '-' : humanDuration(now - w.startedAt);
      rows.push({
        app: app.name,
        status: w.status,
        cells: [
          app.name,
          instanceLabel(w),
          w.pid === null ? '-' : String(w.pid),
          statusCell(w, now),
          String(w.restarts),
          up,
          humanCpu(w.cpu),
          humanBytes(w.memory),
        ],
      });
    }
  }
  return rows;
}

/** The rows shown when not all fit: a window that starts at the selected app's first row when needed. */
function windowOf(rows: readonly Row[], selected: string | null, height: number): Row[] {
  if (rows.length <= height) return [...rows];
  const first = Math.max(
    0,
    rows.findIndex((r) => r.app === selected),
  );
  const start = Math.min(first, rows.length - height);
  return rows.slice(start, start + height);
}

function tableLines(input: ScreenInput, height: number): string[] {
  const { model, size, palette } = input;
  const rows = rowsOf(model.apps ?? [], input.now);
  const widths = HEAD.map((h, i) => Math.max(widthOf(h), ...rows.map((r) => widthOf(r.cells[i] ?? ''))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => padRight(c, widths[i] ?? 0)).join('  ');
  const lines = [fitLine([{ text: `  ${line(HEAD)}`, paint: palette.bold }], size.cols)];
  for (const row of windowOf(rows, model.selected, height)) {
    const mine = row.app === model.selected;
    const padded = row.cells.map((c, i) => padRight(c, widths[i] ?? 0));
    const segments: Segment[] = [
      { text: mine ? '> ' : '  ', paint: mine ? palette.selected : undefined },
      { text: `${padded.slice(0, 3).join('  ')}  `, paint: mine ? palette.selected : undefined },
      // Only the status is coloured: the one cell to read at a glance.
      { text: padded[3] ?? '', paint: palette.status(row.status) },
      { text: `  ${padded.slice(4).join('  ')}` },
    ];
    lines.push(fitLine(segments, size.cols));
  }
  return lines;
}

function titleLine(input: ScreenInput): string {
  const apps = input.model.apps;
  if (apps === null)
    return fitLine([{ text: 'clusterctl monit: waiting for the daemon…', paint: input.palette.bold }], input.size.cols);
  // One per instance: a replacement coming online or a retiring process is not another worker.
  const workers = apps.flatMap((a) => servingWorkers(a.workers));
  const online = workers.filter((w) => w.status === 'online').length;
  const text = `clusterctl monit: ${apps.length} app${apps.length === 1 ? '' : 's'}, ${online}/${workers.length} workers online`;
  return fitLine([{ text, paint: input.palette.bold }], input.size.cols);
}

function logRule(input: ScreenInput): string {
  const name = input.model.selected;
  const label = name === null ? '── logs ' : `── logs: ${name} `;
  const fill = Math.max(0, input.size.cols - widthOf(label));
  return fitLine([{ text: label + '─'.repeat(fill), paint: input.palette.dim }], input.size.cols);
}

function logLines(input: ScreenInput, height: number): string[] {
  const shown = input.logs
    .slice(-height)
    .map((l) => fitLine([{ text: l.text, paint: l.err ? input.palette.err : undefined }], input.size.cols));
  const empty = fitLine([], input.size.cols);
  if (shown.length === 0 && height > 0 && input.model.selected !== null) {
    shown.push(fitLine([{ text: '(no log lines yet)', paint: input.palette.dim }], input.size.cols));
  }
  while (shown.length < height) shown.push(empty);
  return shown;
}

function statusLine(input: ScreenInput): string {
  const s = input.model.status;
  if (s === null) return fitLine([], input.size.cols);
  const paint = s.kind === 'error' ? input.palette.err : s.kind === 'ok' ? input.palette.ok : undefined;
  return fitLine([{ text: s.text, paint }], input.size.cols);
}

/**
 * Every line of the screen, `rows` lines in all, each exactly `cols` wide but
 * the last, which leaves its last column empty so the terminal never scrolls.
 */
export function screenLines(input: ScreenInput): string[] {
  const { cols, rows } = input.size;
  if (rows < MIN_ROWS || cols < 20) {
    // One line; the frame's erase-below clears the rest.
    return rows < 1 ? [] : [fitLine([{ text: `terminal too small (${cols}x${rows}); q quits` }], cols - 1)];
  }
  const tableRows = rowsOf(input.model.apps ?? [], input.now).length;
  const room = rows - FIXED_LINES;
  const tableHeight = Math.max(1, Math.min(tableRows, room - MIN_LOG_LINES));
  const table = tableLines(input, tableHeight);
  while (table.length < tableHeight + 1) table.push(fitLine([], cols));
  const logHeight = rows - FIXED_LINES - tableHeight;
  return [
    titleLine(input),
    ...table,
    logRule(input),
    ...logLines(input, logHeight),
    statusLine(input),
    fitLine([{ text: KEY_HELP, paint: input.palette.dim }], cols - 1),
  ];
}

/**
 * The frame to write: cursor home, every line, erase below. Lines are full
 * width, so nothing of the previous frame survives, and it is one write, so
 * the terminal never shows half a frame.
 */
export function renderFrame(input: ScreenInput): string {
  return `\x1b[H${screenLines(input).join('\r\n')}\x1b[J`;
}
