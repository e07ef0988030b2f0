/**
 * An app flooding its output through the real daemon and app primary: every
 * line lands in the files exactly once, in order per worker, rotation during
 * the burst loses and repeats nothing, and the daemon keeps answering
 * (log bytes never pass through it).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { RpcConnection } from '../../src/protocol/rpc-client';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { allDone, checkEveryLineOnceInOrder, finishedFileLines, rotationSet } from './logs-helpers';

const FLOOD = join(FIXTURES, 'logs', 'prints-100k-lines.js');

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

function outLog(name: string): string {
  return join(sb.home, 'logs', `${name}-out.log`);
}

test('100,000 lines from each of 2 workers: all in the file once, in order; the daemon answers throughout', async () => {
  // The burst starts a moment after the workers are online, so the sampling below sees it begin.
  await sb.ok(['start', FLOOD, '-i', '2', '--name', 'flood', '--env', 'START_AFTER_MS=1500']);
  const path = outLog('flood');

  const daemon = await RpcConnection.connect(join(sb.home, 'daemon.sock'));
  const socketSamples: Array<{ at: number; ms: number }> = [];
  const cliSamples: number[] = [];
  let floodDone = false;
  let floodStartedAt = 0;
  try {
    const sampleSocket = async (): Promise<void> => {
      while (!floodDone) {
        const t0 = Date.now();
        await daemon.call('list', {}, { timeoutMs: 30000 });
        socketSamples.push({ at: t0, ms: Date.now() - t0 });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const sampleCli = async (): Promise<void> => {
      while (!floodDone) {
        const t0 = Date.now();
        await sb.ok(['ls', '--json']);
        cliSamples.push(Date.now() - t0);
      }
    };
    const watch = waitFor(
      () => {
        if (floodStartedAt === 0 && statSync(path, { throwIfNoEntry: false })?.size) floodStartedAt = Date.now();
        return allDone(path, [0, 1]) || undefined;
      },
      { timeoutMs: 60000, intervalMs: 100, what: 'both workers to finish their 100,000 lines' },
    ).finally(() => {
      floodDone = true;
    });
    await Promise.all([watch, sampleSocket(), sampleCli()]);
  } finally {
    daemon.close();
  }

  checkEveryLineOnceInOrder(finishedFileLines(path), [0, 1], 100000);
  const duringFlood = socketSamples.filter((s) => s.at >= floodStartedAt);
  expect(duringFlood.length).toBeGreaterThan(0);
  // Generous limits for a loaded 2-core machine: the figures themselves belong to bench/.
  expect(Math.max(...duringFlood.map((s) => s.ms))).toBeLessThan(2000);
  expect(cliSamples.length).toBeGreaterThan(0);
  expect(Math.max(...cliSamples)).toBeLessThan(5000);
});

test('rotation at a small --log-max-size during the burst: every line once across the files, at most --log-retain rotated files', async () => {
  await sb.ok(['start', FLOOD, '-i', '2', '--name', 'rot', '--log-max-size', '256K', '--log-retain', '40']);
  const path = outLog('rot');
  await waitFor(
    () => rotationSet(path).some((f) => allDone(f, [0])) && rotationSet(path).some((f) => allDone(f, [1])),
    {
      timeoutMs: 60000,
      intervalMs: 200,
      what: 'both workers to finish their 100,000 lines',
    },
  );
  const files = rotationSet(path);
  // About 2 × 3.3 MB of lines: well over 10 rotations, well under 40.
  expect(files.length).toBeGreaterThan(10);
  expect(files.length - 1).toBeLessThanOrEqual(40);
  for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(256 * 1024);
  checkEveryLineOnceInOrder(files.flatMap(finishedFileLines), [0, 1], 100000);
});

test('--log-retain bounds the rotated files, keeping the newest lines whole and contiguous', async () => {
  await sb.ok(['start', FLOOD, '--name', 'keep', '--env', 'LINES=20000', '--log-max-size', '16K', '--log-retain', '2']);
  const path = outLog('keep');
  await waitFor(() => allDone(path, [0]) || undefined, { timeoutMs: 60000, intervalMs: 200, what: 'the 20,000 lines' });
  const files = rotationSet(path);
  expect(files.map((f) => f.split('/').pop())).toEqual(['keep-out.log.2', 'keep-out.log.1', 'keep-out.log']);
  const seqs = files
    .flatMap(finishedFileLines)
    .map((l) => /seq=(\d+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  expect(seqs[seqs.length - 1]).toBe(19999);
  expect(seqs.filter((v, i) => v !== seqs[0] + i)).toEqual([]);
});
