/** Reading log files back in the logs tests: whole files, rotated sets, numbered lines. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseLogLine } from '../../src/logfile/line';
import type { LogSpec } from '../../src/protocol/types';

function readText(path: string): string {
  if (!existsSync(path)) return '';
  return path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
}

/**
 * Lines of a log file that may still be written to (gunzipped when .gz): a
 * read can land in the middle of a write, so an unterminated last line is
 * left out.
 */
export function fileLines(path: string): string[] {
  const lines = readText(path).split('\n');
  lines.pop();
  return lines;
}

/** Lines of a log file nobody writes to any more; throws if it does not end on a whole line. */
export function finishedFileLines(path: string): string[] {
  const text = readText(path);
  if (text !== '' && !text.endsWith('\n')) throw new Error(`${path} does not end with a newline`);
  return fileLines(path);
}

/** The rotated files of `path` (oldest first), then `path`: their lines read in write order. */
export function rotationSet(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  const rotated = readdirSync(dir)
    .map((f) => ({ f, m: new RegExp(`^${base.replace(/[.]/g, '\\.')}\\.(\\d+)(\\.gz)?$`).exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(b.m[1]) - Number(a.m[1]))
    .map((x) => join(dir, x.f));
  return [...rotated, path];
}

/**
 * The `line instance=I seq=N` lines, split into sequences by `keyOf`: each
 * sequence must run from its first seq up to `total` by `step`, every line
 * once and in order, each tagged with its own instance. Plain checks rather
 * than expect(): 200,000 expect() calls take seconds.
 */
function checkSequences(
  lines: readonly string[],
  first: Map<string, number>,
  keyOf: (instance: number, seq: number) => string,
  step: number,
  total: number,
): void {
  const next = new Map(first);
  for (const raw of lines) {
    const parsed = parseLogLine(raw);
    const m = /^line instance=(\d+) seq=(\d+)/.exec(parsed.msg);
    if (!m) continue;
    const instance = Number(m[1]);
    if (parsed.instance !== instance)
      throw new Error(`line tagged ${parsed.instance} comes from instance ${instance}: "${raw}"`);
    const seq = Number(m[2]);
    const key = keyOf(instance, seq);
    const want = next.get(key);
    if (want === undefined) throw new Error(`unexpected instance ${instance}: "${raw}"`);
    if (seq !== want) throw new Error(`${key}: expected seq ${want}, got ${seq} ("${raw}")`);
    next.set(key, seq + step);
  }
  for (const [key, n] of next) {
    // Just past the last seq below total: every line of that sequence was seen, and none beyond.
    if (n < total || n >= total + step) throw new Error(`${key}: lines up to seq ${n - step} of ${total} found`);
  }
}

/** Every `line instance=I seq=N` of each instance is there, 0..total-1, once and in order. */
export function checkEveryLineOnceInOrder(lines: readonly string[], instances: readonly number[], total: number): void {
  const first = new Map(instances.map((i) => [`instance ${i}`, 0]));
  checkSequences(lines, first, (i) => `instance ${i}`, 1, total);
}

/** True once `done instance=I` is in the log for every instance. */
export function allDone(path: string, instances: readonly number[]): boolean {
  if (!existsSync(path)) return false;
  const text = readFileSync(path, 'utf8');
  return instances.every((i) => text.includes(`done instance=${i}\n`));
}

/**
 * For a combined log of `STREAM=both` output (even seq on stdout, odd on
 * stderr): every `line instance=I seq=N` of each instance is there exactly
 * once, and each stream's lines are in order. The two streams are two pipes,
 * read as their data arrives, so their relative order is not checked.
 */
export function checkBothStreamsOnce(lines: readonly string[], instances: readonly number[], total: number): void {
  const first = new Map<string, number>();
  for (const i of instances) {
    first.set(`${i}:out`, 0);
    first.set(`${i}:err`, 1);
  }
  checkSequences(lines, first, (i, seq) => `${i}:${seq % 2 === 0 ? 'out' : 'err'}`, 2, total);
}

/** The LogSpec the capture tests start from: out and err files in `dir`, no combined log, 10 MB rotation. */
export function logSpecIn(dir: string, over: Partial<LogSpec> = {}): LogSpec {
  return {
    out: join(dir, 'app-out.log'),
    err: join(dir, 'app-err.log'),
    time: false,
    dateFormat: null,
    format: 'text',
    maxSize: 10 * 1024 * 1024,
    retain: 5,
    compress: false,
    combined: null,
    ...over,
  };
}
