/**
 * The app primary's log capture, driven by real child processes writing to
 * real pipes (what `cluster.fork()` with `silent: true` hands the primary),
 * and checked by reading the files back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLogCapture, type LogCapture } from '../../src/primary/logs';
import { parseLogLine } from '../../src/logfile/line';
import type { LogSpec } from '../../src/protocol/types';
import { FIXTURES } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import {
  checkEveryLineOnceInOrder,
  fileLines,
  finishedFileLines as lines,
  rotationSet,
  logSpecIn,
} from './logs-helpers';
import { useTempDir } from '../helpers/tmp';

const children: ChildProcess[] = [];
const captures: LogCapture[] = [];
const dir = useTempDir('logs-');

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of captures.splice(0)) await c.close();
});

function spec(over: Partial<LogSpec> = {}): LogSpec {
  return logSpecIn(dir(), over);
}

function capture(s: LogSpec): { cap: LogCapture; errors: Error[] } {
  const errors: Error[] = [];
  const cap = createLogCapture('app', s, (e) => errors.push(e));
  captures.push(cap);
  return { cap, errors };
}

function run(
  cap: LogCapture,
  instance: number,
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(process.execPath, [join(FIXTURES, 'logs', script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_APP_INSTANCE: String(instance), ...env },
  });
  children.push(child);
  cap.attach(instance, child.pid as number, child.stdout, child.stderr);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits for the children to exit, then for every line they wrote to be on disk. */
async function finish(cap: LogCapture, ...kids: ChildProcess[]): Promise<void> {
  await Promise.all(kids.map(exited));
  for (const k of kids) await cap.settle(k.pid as number, 10000);
}

test('100,000 lines from each of two workers are all in the file exactly once, in order per worker', async () => {
  const s = spec();
  const { cap, errors } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', [], { EXIT_WHEN_DONE: '1' });
  const b = run(cap, 1, 'prints-100k-lines.js', [], { EXIT_WHEN_DONE: '1' });
  await finish(cap, a, b);
  const all = lines(s.out);
  checkEveryLineOnceInOrder(all, [0, 1], 100000);
  expect(all.filter((l) => /^\d\|done instance=\d$/.test(l))).toHaveLength(2);
  expect(all.every((l) => /^[01]\|/.test(l))).toBe(true);
  expect(errors).toEqual([]);
});

test('rotation during a burst keeps every line exactly once across the rotated files, never splitting one', async () => {
  const s = spec({ maxSize: 256 * 1024, retain: 100 });
  const { cap, errors } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', [], { EXIT_WHEN_DONE: '1' });
  const b = run(cap, 1, 'prints-100k-lines.js', [], { EXIT_WHEN_DONE: '1' });
  await finish(cap, a, b);
  const files = rotationSet(s.out);
  expect(files.length).toBeGreaterThan(10);
  for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(s.maxSize);
  checkEveryLineOnceInOrder(files.flatMap(lines), [0, 1], 100000);
  expect(errors).toEqual([]);
});

test('no more than `retain` rotated files are kept, and they hold the newest lines', async () => {
  const s = spec({ maxSize: 64 * 1024, retain: 3 });
  const { cap } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', [], { LINES: '20000', EXIT_WHEN_DONE: '1' });
  await exited(a);
  await cap.settle(a.pid as number, 10000);
  const files = rotationSet(s.out);
  expect(files.map((f) => f.split('/').pop())).toEqual([
    'app-out.log.3',
    'app-out.log.2',
    'app-out.log.1',
    'app-out.log',
  ]);
  const seqs = files
    .flatMap(lines)
    .map((l) => /seq=(\d+)/.exec(l))
    .filter((m) => m)
    .map((m) => Number(m?.[1]));
  // Contiguous up to the last line: the oldest files were dropped whole, nothing in between.
  expect(seqs[seqs.length - 1]).toBe(19999);
  const gaps = seqs.filter((v, i) => v !== seqs[0] + i);
  expect(gaps).toEqual([]);
});

test('--log-compress gzips rotated files, and they still hold every line once', async () => {
  const s = spec({ maxSize: 128 * 1024, retain: 100, compress: true });
  const { cap, errors } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', [], { LINES: '30000', EXIT_WHEN_DONE: '1' });
  await exited(a);
  await cap.settle(a.pid as number, 10000);
  // The newest rotated file is compressed off the write path; wait for it.
  await waitFor(() => readdirSync(dir()).every((f) => !/\.log\.\d+$/.test(f) && !f.endsWith('.tmp')) || undefined, {
    timeoutMs: 20000,
    what: 'compression of rotated files',
  });
  const files = rotationSet(s.out);
  expect(files.length).toBeGreaterThan(3);
  expect(files.slice(0, -1).every((f) => f.endsWith('.gz'))).toBe(true);
  checkEveryLineOnceInOrder(files.flatMap(lines), [0], 30000);
  expect(errors).toEqual([]);
});

test('a worker that prints a line and crashes at once, 20 times: 20 lines in the error log', async () => {
  const s = spec();
  const { cap } = capture(s);
  for (let i = 0; i < 20; i++) {
    const child = run(cap, 0, 'prints-then-crashes.js');
    await exited(child);
    await cap.settle(child.pid as number, 10000);
    // What the primary reads to explain a failed start.
    expect(cap.recentStderr(child.pid as number, 20)).toEqual([`about to crash pid=${child.pid}`]);
  }
  const errLines = lines(s.err);
  expect(errLines.filter((l) => /^0\|about to crash pid=\d+$/.test(l))).toHaveLength(20);
  expect(lines(s.out)).toEqual([]);
});

test('half-lines of two workers are never spliced, and an unterminated last line is written at exit', async () => {
  const s = spec();
  const { cap } = capture(s);
  const a = run(cap, 0, 'writes-half-lines.js', ['A', '30']);
  const b = run(cap, 1, 'writes-half-lines.js', ['B', '30']);
  await finish(cap, a, b);
  const all = lines(s.out);
  expect(all).toHaveLength(62);
  for (const l of all) {
    expect(l).toMatch(
      /^(0\|half-a id=A n=(\d+) half-b id=A n=\2|1\|half-a id=B n=(\d+) half-b id=B n=\3|0\|last-without-newline id=A|1\|last-without-newline id=B)$/,
    );
  }
});

test('--time prefixes an ISO time and --log-format json writes one object per line', async () => {
  const timed = spec({ time: true });
  const { cap } = capture(timed);
  const a = run(cap, 2, 'prints-100k-lines.js', [], { LINES: '3', STREAM: 'both', EXIT_WHEN_DONE: '1' });
  await exited(a);
  await cap.settle(a.pid as number);
  const out = lines(timed.out);
  expect(out[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 2\|line instance=2 seq=0$/);
  const parsed = parseLogLine(out[0]);
  expect(parsed.instance).toBe(2);
  expect(Math.abs((parsed.time as number) - Date.now())).toBeLessThan(10 * 60 * 1000);
  expect(lines(timed.err).map((l) => parseLogLine(l).msg)).toEqual(['line instance=2 seq=1']);

  await cap.update(spec({ format: 'json', out: join(dir(), 'json-out.log'), err: join(dir(), 'json-err.log') }));
  const b = run(cap, 3, 'prints-100k-lines.js', [], { LINES: '2', STREAM: 'both', EXIT_WHEN_DONE: '1' });
  await exited(b);
  await cap.settle(b.pid as number);
  const rec = JSON.parse(lines(join(dir(), 'json-err.log'))[0]) as Record<string, unknown>;
  expect(Object.keys(rec)).toEqual(['time', 'app', 'instance', 'stream', 'msg']);
  expect(rec).toMatchObject({ app: 'app', instance: 3, stream: 'err', msg: 'line instance=3 seq=1' });
  expect(Number.isFinite(Date.parse(rec.time as string))).toBe(true);
  // The files in use before the update got nothing more.
  expect(lines(timed.out)).toHaveLength(out.length);
});

test('truncate empties the files and drops rotated ones; reopen follows a file moved away by logrotate', async () => {
  const s = spec({ maxSize: 4096, retain: 2 });
  const { cap } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', [], { LINES: '500', EXIT_WHEN_DONE: '1' });
  await exited(a);
  await cap.settle(a.pid as number);
  expect(existsSync(`${s.out}.1`)).toBe(true);
  await cap.truncate();
  expect(statSync(s.out).size).toBe(0);
  expect(existsSync(`${s.out}.1`)).toBe(false);

  const b = run(cap, 0, 'ticks.js', [], { TICK_MS: '20' });
  await waitFor(() => fileLines(s.out).length >= 3 || undefined, { what: 'ticks in the out log' });
  renameSync(s.out, `${s.out}.moved`);
  await cap.reopen();
  await waitFor(() => fileLines(s.out).length >= 3 || undefined, { what: 'ticks in the reopened out log' });
  b.kill('SIGKILL');
  await exited(b);
  await cap.settle(b.pid as number);
  // The moved file kept what was written before the reopen; the two are continuous, nothing repeated.
  const before = lines(`${s.out}.moved`).map((l) => Number(/n=(\d+)/.exec(l)?.[1]));
  const after = lines(s.out).map((l) => Number(/n=(\d+)/.exec(l)?.[1]));
  const all = [...before, ...after];
  all.forEach((n, i) => expect(n).toBe(i + 1));
});

test('/dev/null discards, and recentStderr still knows the last lines', async () => {
  const s = spec({ out: '/dev/null', err: '/dev/null' });
  const { cap, errors } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', [], { LINES: '100', STREAM: 'err', EXIT_WHEN_DONE: '1' });
  await exited(a);
  await cap.settle(a.pid as number);
  expect(cap.recentStderr(a.pid as number, 2)).toEqual(['line instance=0 seq=98', 'line instance=0 seq=99']);
  expect(readdirSync(dir())).toEqual([]);
  expect(errors).toEqual([]);
});
