/**
 * The combined log (PM2's `log_file`) in the app primary's capture, driven by
 * real child processes writing to real pipes, checked by reading the files
 * back: every line of both streams, besides the out and err files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLogCapture, type LogCapture } from '../../src/primary/logs';
import type { LogSpec } from '../../src/protocol/types';
import { FIXTURES } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';
import { checkBothStreamsOnce, fileLines, finishedFileLines as lines, rotationSet, logSpecIn } from './logs-helpers';

const children: ChildProcess[] = [];
const captures: LogCapture[] = [];
const dir = useTempDir('logs-combined-');

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of captures.splice(0)) await c.close();
});

function spec(over: Partial<LogSpec> = {}): LogSpec {
  return logSpecIn(dir(), { combined: join(dir(), 'app.log'), ...over });
}

function capture(s: LogSpec): { cap: LogCapture; errors: Error[] } {
  const errors: Error[] = [];
  const cap = createLogCapture('app', s, (e) => errors.push(e));
  captures.push(cap);
  return { cap, errors };
}

function run(cap: LogCapture, instance: number, script: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [join(FIXTURES, 'logs', script)], {
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

const BOTH = { STREAM: 'both', EXIT_WHEN_DONE: '1' };

test('100,000 lines of two workers on both streams: all in the combined log once, and the out/err files keep theirs', async () => {
  const s = spec();
  const { cap, errors } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', BOTH);
  const b = run(cap, 1, 'prints-100k-lines.js', BOTH);
  await finish(cap, a, b);
  const combined = lines(s.combined as string);
  // 100,000 numbered lines and one "done" line per worker.
  expect(combined).toHaveLength(2 * 100001);
  checkBothStreamsOnce(combined, [0, 1], 100000);
  const out = lines(s.out);
  const err = lines(s.err);
  expect(out).toHaveLength(2 * 50001);
  expect(err).toHaveLength(2 * 50000);
  expect(err.every((l) => /^[01]\|line instance=[01] seq=\d*[13579]$/.test(l))).toBe(true);
  expect(new Set(combined)).toEqual(new Set([...out, ...err]));
  expect(errors).toEqual([]);
});

test('the combined log rotates by the same rules, and no line is lost or repeated across its files', async () => {
  const s = spec({ maxSize: 64 * 1024, retain: 100 });
  const { cap, errors } = capture(s);
  const a = run(cap, 0, 'prints-100k-lines.js', { ...BOTH, LINES: '20000' });
  const b = run(cap, 1, 'prints-100k-lines.js', { ...BOTH, LINES: '20000' });
  await finish(cap, a, b);
  const files = rotationSet(s.combined as string);
  expect(files.length).toBeGreaterThan(5);
  for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(s.maxSize);
  checkBothStreamsOnce(files.flatMap(lines), [0, 1], 20000);
  expect(errors).toEqual([]);
});

test('json lines in the combined log say which stream each came from', async () => {
  const s = spec({ format: 'json' });
  const { cap } = capture(s);
  await finish(cap, run(cap, 2, 'prints-100k-lines.js', { ...BOTH, LINES: '4' }));
  const recs = lines(s.combined as string).map((l) => JSON.parse(l) as Record<string, unknown>);
  const byMsg = new Map(recs.map((r) => [r.msg, r.stream]));
  expect(byMsg).toEqual(
    new Map([
      ['line instance=2 seq=0', 'out'],
      ['line instance=2 seq=1', 'err'],
      ['line instance=2 seq=2', 'out'],
      ['line instance=2 seq=3', 'err'],
      ['done instance=2', 'out'],
    ]),
  );
});

test('truncate empties the combined log too, and reopen follows it when logrotate moved it', async () => {
  const s = spec({ maxSize: 4096, retain: 2 });
  const combined = s.combined as string;
  const { cap } = capture(s);
  await finish(cap, run(cap, 0, 'prints-100k-lines.js', { ...BOTH, LINES: '500' }));
  expect(existsSync(`${combined}.1`)).toBe(true);
  await cap.truncate();
  expect(statSync(combined).size).toBe(0);
  expect(existsSync(`${combined}.1`)).toBe(false);

  const b = run(cap, 0, 'ticks.js', { TICK_MS: '20' });
  await waitFor(() => fileLines(combined).length >= 6 || undefined, { what: 'ticks in the combined log' });
  renameSync(combined, `${combined}.moved`);
  await cap.reopen();
  await waitFor(() => fileLines(combined).length >= 6 || undefined, { what: 'ticks in the reopened combined log' });
  b.kill('SIGKILL');
  await finish(cap, b);
  // The stdout ticks of the moved file and the new one are continuous: nothing lost, nothing repeated.
  const ticks = [...lines(`${combined}.moved`), ...lines(combined)]
    .map((l) => /^0\|tick .* n=(\d+)$/.exec(l)?.[1])
    .filter((n) => n !== undefined)
    .map(Number);
  ticks.forEach((n, i) => expect(n).toBe(i + 1));
  // Every fifth tick also went to stderr as a warn line (the kill may land between the two writes).
  const warns = [...lines(`${combined}.moved`), ...lines(combined)].filter((l) => /^0\|warn /.test(l));
  expect(warns.length).toBeGreaterThanOrEqual(Math.floor(ticks.length / 5) - 1);
  expect(warns.length).toBeLessThanOrEqual(Math.floor(ticks.length / 5));
});

test('update() moves the combined log to a new path, or turns it off; a path shared with --out gets each line once', async () => {
  const first = spec();
  const { cap } = capture(first);
  await finish(cap, run(cap, 0, 'prints-100k-lines.js', { ...BOTH, LINES: '10' }));
  const moved = join(dir(), 'moved.log');
  await cap.update(spec({ combined: moved }));
  await finish(cap, run(cap, 1, 'prints-100k-lines.js', { ...BOTH, LINES: '10' }));
  checkBothStreamsOnce(lines(first.combined as string), [0], 10);
  checkBothStreamsOnce(lines(moved), [1], 10);
  expect(lines(first.combined as string).some((l) => l.startsWith('1|'))).toBe(false);

  await cap.update(spec({ combined: null }));
  await finish(cap, run(cap, 2, 'prints-100k-lines.js', { ...BOTH, LINES: '10' }));
  expect(lines(moved).some((l) => l.startsWith('2|'))).toBe(false);
  expect(lines(first.out).filter((l) => l.startsWith('2|'))).toHaveLength(6);

  // `-l x --out x`: x holds both streams, each line once; err keeps its own.
  const shared = join(dir(), 'shared.log');
  await cap.update(spec({ out: shared, combined: shared }));
  await finish(cap, run(cap, 3, 'prints-100k-lines.js', { ...BOTH, LINES: '10' }));
  checkBothStreamsOnce(lines(shared), [3], 10);
  expect(lines(shared)).toHaveLength(11);
  expect(lines(first.err).filter((l) => l.startsWith('3|'))).toHaveLength(5);
});
