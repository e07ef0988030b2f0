/**
 * The combined log (`log_file` in a config file, `-l/--log` on the command
 * line) through the real CLI, daemon, app primary and cluster workers:
 * every line of both streams of every instance lands in it, besides the out
 * and err files; it rotates, `flush` empties it, `reload-logs` reopens it,
 * and bad values are refused before anything starts.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { allDone, checkBothStreamsOnce, fileLines, finishedFileLines, rotationSet } from './logs-helpers';

const FLOOD = join(FIXTURES, 'logs', 'prints-100k-lines.js');
const TICKS = join(FIXTURES, 'logs', 'ticks.js');

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

function homeLog(name: string, stream: 'out' | 'err'): string {
  return join(sb.home, 'logs', `${name}-${stream}.log`);
}

function tickNumber(line: string): number {
  const n = /^0\|(?:tick|warn) instance=0 pid=\d+ n=(\d+)$/.exec(line)?.[1];
  if (n === undefined) throw new Error(`not a tick line: ${line}`);
  return Number(n);
}

/**
 * Every line of the rotated set once it holds `count` lines and the `done
 * instance=I` line of each instance. "done" goes to stdout after the last
 * stderr line was written, but the two pipes are read independently, so the
 * last stderr lines may land after it: wait for the count too (a lost line
 * then fails the wait instead of racing it).
 */
async function linesOnceDone(path: string, instances: number[], count: number): Promise<string[]> {
  const complete = (): boolean => {
    const all = rotationSet(path).flatMap(fileLines);
    return all.length >= count && instances.every((i) => all.includes(`${i}|done instance=${i}`));
  };
  await waitFor(() => complete() || undefined, { timeoutMs: 30000, what: `${path} to hold ${count} lines` });
  return rotationSet(path).flatMap(finishedFileLines);
}

test('log_file in an ecosystem file: its folder is created with a notice, and it holds all 800 lines of 2 instances', async () => {
  const project = join(sb.home, 'project');
  mkdirSync(project);
  const file = join(project, 'ecosystem.config.js');
  writeFileSync(
    file,
    `module.exports = { apps: [{
  name: 'both', script: ${JSON.stringify(FLOOD)}, instances: 2,
  log_file: './logs/combined.log',
  env: { LINES: '400', STREAM: 'both' },
}] };
`,
  );
  const r = await sb.ok(['start', file]);
  const combined = join(project, 'logs', 'combined.log');
  expect(r.stderr).toContain(`log_file: created the log folder ${join(project, 'logs')}`);

  const all = await linesOnceDone(combined, [0, 1], 2 * 400 + 2);
  // 200 lines on each stream of each instance, and one "done" line per instance: none lost, none twice.
  expect(all).toHaveLength(2 * 400 + 2);
  checkBothStreamsOnce(all, [0, 1], 400);
  // The out and err files still get their own lines.
  await waitFor(() => allDone(homeLog('both', 'out'), [0, 1]) || undefined, { what: 'the out log' });
  expect(finishedFileLines(homeLog('both', 'out'))).toHaveLength(2 * 200 + 2);
  await waitFor(() => fileLines(homeLog('both', 'err')).length === 2 * 200 || undefined, { what: 'the err log' });

  const described = await sb.ok(['describe', 'both']);
  expect(described.stdout).toMatch(new RegExp(`^combined log +${combined}$`, 'm'));
});

test('-l FILE from the command line, relative to the caller, with --log-max-size: rotated, nothing lost', async () => {
  await sb.ok(
    [
      ...['start', FLOOD, '--name', 'rot', '-i', '2', '-l', 'all.log', '--log-max-size', '1K', '--log-retain', '100'],
      ...['--env', 'LINES=300', '--env', 'STREAM=both'],
    ],
    { cwd: sb.home },
  );
  const combined = join(sb.home, 'all.log');
  const all = await linesOnceDone(combined, [0, 1], 2 * 300 + 2);
  expect(all).toHaveLength(2 * 300 + 2);
  checkBothStreamsOnce(all, [0, 1], 300);
  const files = rotationSet(combined);
  expect(files.length).toBeGreaterThan(10);
  for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(1024);
  const apps = (await sb.list()) as unknown as Array<{ spec: { logs: { combined: string | null } } }>;
  expect(apps[0].spec.logs.combined).toBe(combined);
});

test('flush empties the combined log and its rotated files; reload-logs reopens it after it was moved away', async () => {
  const combined = join(sb.home, 'ticks.log');
  await sb.ok(['start', TICKS, '--name', 'tick', '--log', combined, '--log-max-size', '1K', '--env', 'TICK_MS=20']);
  await waitFor(() => existsSync(`${combined}.1`) || undefined, { what: 'a rotated combined log' });
  const before = Math.max(...fileLines(combined).map(tickNumber));
  await sb.ok(['flush', 'tick']);
  expect(existsSync(`${combined}.1`)).toBe(false);
  // Ticks keep coming: once the file has lines again, they all came after the flush.
  await waitFor(() => fileLines(combined).length > 0 || undefined, { what: 'ticks after the flush' });
  expect(tickNumber(fileLines(combined)[0])).toBeGreaterThan(before);

  await sb.ok(['stop', 'tick']);
  expect(statSync(combined).size).toBeGreaterThan(0);
  // A stopped app's files are emptied by the daemon itself.
  await sb.ok(['flush', 'tick']);
  expect(statSync(combined).size).toBe(0);

  await sb.ok(['start', 'tick']);
  await waitFor(() => fileLines(combined).length >= 5 || undefined, { what: 'ticks after the restart' });
  renameSync(combined, `${combined}.moved`);
  await sb.ok(['reload-logs']);
  await waitFor(() => fileLines(combined).length >= 5 || undefined, { what: 'ticks in the reopened combined log' });
  const moved = fileLines(`${combined}.moved`).length;
  await waitFor(() => fileLines(combined).length >= 15 || undefined, { what: 'more ticks in the new file' });
  // The moved file got nothing more once the new one was in use.
  expect(fileLines(`${combined}.moved`)).toHaveLength(moved);
});

test('-l in a folder that does not exist: one line, exit 2, nothing started', async () => {
  const r = await sb.cli(['start', FLOOD, '--name', 'nope', '-l', join(sb.home, 'no-such-dir', 'x.log')]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/--log .*no-such-dir\/x\.log: folder .*no-such-dir does not exist/);
  expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
});

test('log_file: 42 in a config file: one line naming the app and the field, exit 2, nothing started', async () => {
  const file = join(sb.home, 'bad.config.js');
  writeFileSync(file, `module.exports = { apps: [{ name: 'a', script: ${JSON.stringify(FLOOD)}, log_file: 42 }] };\n`);
  const r = await sb.cli(['start', file]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/app "a" \(apps\[0\]\): log_file: must be a path, or true or false/);
  expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
});
