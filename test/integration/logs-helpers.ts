/** Reading log files back in the logs tests: whole files, rotated sets, numbered lines. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseLogLine } from '../../src/logfile/line';

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
 * Checks that the `line instance=I seq=N` lines of each instance are 0..total-1,
 * each exactly once and in order, and tagged with their own instance. Plain
 * checks rather than expect(): 200,000 expect() calls take seconds.
 */
export function checkEveryLineOnceInOrder(lines: readonly string[], instances: readonly number[], total: number): void {
  const next = new Map(instances.map((i) => [i, 0]));
  for (const raw of lines) {
    const parsed = parseLogLine(raw);
    const m = /^line instance=(\d+) seq=(\d+)/.exec(parsed.msg);
    if (!m) continue;
    const instance = Number(m[1]);
    if (parsed.instance !== instance)
      throw new Error(`line tagged ${parsed.instance} comes from instance ${instance}: "${raw}"`);
    const want = next.get(instance);
    if (want === undefined) throw new Error(`unexpected instance ${instance}: "${raw}"`);
    const seq = Number(m[2]);
    if (seq !== want) throw new Error(`instance ${instance}: expected seq ${want}, got ${seq} ("${raw}")`);
    next.set(instance, seq + 1);
  }
  for (const i of instances) {
    if (next.get(i) !== total) throw new Error(`instance ${i}: ${next.get(i)} of ${total} lines found`);
  }
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
  const next = new Map<string, number>();
  for (const i of instances) {
    next.set(`${i}:out`, 0);
    next.set(`${i}:err`, 1);
  }
  for (const raw of lines) {
    const parsed = parseLogLine(raw);
    const m = /^line instance=(\d+) seq=(\d+)/.exec(parsed.msg);
    if (!m) continue;
    const instance = Number(m[1]);
    if (parsed.instance !== instance)
      throw new Error(`line tagged ${parsed.instance} comes from instance ${instance}: "${raw}"`);
    const seq = Number(m[2]);
    const key = `${instance}:${seq % 2 === 0 ? 'out' : 'err'}`;
    const want = next.get(key);
    if (want === undefined) throw new Error(`unexpected instance ${instance}: "${raw}"`);
    if (seq !== want) throw new Error(`${key}: expected seq ${want}, got ${seq} ("${raw}")`);
    next.set(key, seq + 2);
  }
  for (const i of instances) {
    const out = next.get(`${i}:out`) as number;
    const err = next.get(`${i}:err`) as number;
    // Both past the last seq below total: every line of both streams was seen.
    if (out < total || err < total)
      throw new Error(`instance ${i}: stdout up to seq ${out - 2}, stderr up to seq ${err - 2}, of ${total} lines`);
  }
}
