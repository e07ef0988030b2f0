/**
 * The lines a worker writes just before it dies are in the log: a crash
 * right at start, 20 times over, and a SIGKILL right after a burst.
 */
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { finishedFileLines } from './logs-helpers';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

test('an app that prints a line and crashes at once, 20 times: 20 lines in the error log', async () => {
  // 19 restarts, then the 20th crash leaves it errored: exactly 20 processes ran.
  const r = await sb.cli([
    'start',
    join(FIXTURES, 'logs', 'prints-then-crashes.js'),
    '--name',
    'crashy',
    '--restart-delay',
    '20',
    '--max-restarts',
    '19',
  ]);
  expect(r.code).toBe(1);
  // The start failure quotes what the worker printed, from the primary's record of its stderr.
  expect(r.stderr).toMatch(/about to crash pid=\d+/);
  await waitFor(async () => (await sb.list())[0]?.workers[0]?.status === 'errored' || undefined, {
    timeoutMs: 60000,
    what: 'the crash loop to end',
  });
  const lines = finishedFileLines(join(sb.home, 'logs', 'crashy-err.log'));
  expect(lines.filter((l) => /^0\|about to crash pid=\d+$/.test(l))).toHaveLength(20);
  expect(new Set(lines.map((l) => /pid=(\d+)/.exec(l)?.[1])).size).toBe(20);
});

test('a worker SIGKILLed right after writing 20,000 lines: every one of them is in the log', async () => {
  await sb.ok([
    'start',
    join(FIXTURES, 'logs', 'prints-then-sigkills-itself.js'),
    '--name',
    'killed',
    '--max-restarts',
    '0',
  ]);
  await waitFor(async () => (await sb.list())[0]?.workers[0]?.status === 'errored' || undefined, {
    timeoutMs: 30000,
    what: 'the worker to die',
  });
  const lines = finishedFileLines(join(sb.home, 'logs', 'killed-out.log'));
  const seqs = lines
    .map((l) => /^0\|line pid=\d+ seq=(\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  expect(seqs).toHaveLength(20000);
  expect(seqs.filter((v, i) => v !== i)).toEqual([]);
});
