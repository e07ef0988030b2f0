/**
 * `clusterctl logs`, `flush` and `reload-logs` against a real daemon, real
 * app primaries and real workers writing to their log files.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { fileLines, rotationSet } from './logs-helpers';

const TICKS = join(FIXTURES, 'logs', 'ticks.js');

let sb: Sandbox;
const followers: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  for (const f of followers.splice(0)) if (f.exitCode === null && f.signalCode === null) f.kill('SIGKILL');
  await sb.cleanup();
});

interface Follower {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  exit: Promise<number | null>;
}

function follow(args: string[]): Follower {
  const child = spawn(process.execPath, [BIN, 'logs', ...args], { env: sb.env, stdio: ['pipe', 'pipe', 'pipe'] });
  followers.push(child);
  const lines: string[] = [];
  let partial = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    const parts = (partial + c).split('\n');
    partial = parts.pop() as string;
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, stderr: () => err, exit };
}

function logPath(name: string, stream: 'out' | 'err'): string {
  return join(sb.home, 'logs', `${name}-${stream}.log`);
}

async function startTicks(name: string, extra: string[] = []): Promise<void> {
  await sb.ok(['start', TICKS, '--name', name, ...extra]);
}

test('logs --lines 5 --nostream returns at once with at most 5 lines per stream per instance', async () => {
  await startTicks('tick', ['-i', '2', '--env', 'TICK_MS=20']);
  // Enough history that 5 is a real cut: 10+ err lines per instance means 50+ out lines.
  await waitFor(() => fileLines(logPath('tick', 'err')).filter((l) => l.startsWith('1|')).length >= 10 || undefined, {
    what: 'history in the logs',
  });
  const r = await sb.ok(['logs', 'tick', '--lines', '5', '--nostream'], { timeoutMs: 15000 });
  const lines = r.stdout.trim().split('\n');
  const counts = new Map<string, number>();
  for (const l of lines) {
    const m = /^tick:(\d) (out|err) \| (tick|warn) instance=(\d)/.exec(l);
    if (!m) throw new Error(`unexpected line: ${l}`);
    expect(m[1]).toBe(m[4]);
    expect(m[2] === 'out').toBe(m[3] === 'tick');
    counts.set(`${m[2]}:${m[1]}`, (counts.get(`${m[2]}:${m[1]}`) ?? 0) + 1);
  }
  expect([...counts.keys()].sort()).toEqual(expect.arrayContaining(['err:0', 'err:1', 'out:0', 'out:1']));
  for (const n of counts.values()) expect(n).toBeLessThanOrEqual(5);
  // Five lines per file: out and err.
  expect(lines.length).toBe(10);

  const only = await sb.ok(['logs', 'tick', '--lines', '4', '--nostream', '--err', '--instance', '1', '--json']);
  const recs = only.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(recs).toHaveLength(4);
  for (const rec of recs) {
    expect(Object.keys(rec)).toEqual(['time', 'app', 'instance', 'stream', 'msg']);
    expect(rec).toMatchObject({ app: 'tick', instance: 1, stream: 'err', time: null });
    expect(rec.msg).toMatch(/^warn instance=1 /);
  }
});

test('logs of every app interleaves them by time, each line prefixed with its app and instance', async () => {
  await startTicks('a', ['--time', '--env', 'TICK_MS=30']);
  await startTicks('b', ['--time', '--env', 'TICK_MS=30']);
  await waitFor(() => fileLines(logPath('b', 'out')).length >= 10 || undefined, { what: 'lines from b' });
  const r = await sb.ok(['logs', '--lines', '8', '--nostream', '--out']);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(16);
  const times = lines.map((l) => {
    const m = /^(\S+Z) (a|b):0 out \| tick instance=0 /.exec(l);
    if (!m) throw new Error(`unexpected line: ${l}`);
    return Date.parse(m[1]);
  });
  expect(times).toEqual([...times].sort((x, y) => x - y));
  expect(new Set(lines.map((l) => / (a|b):0 /.exec(l)?.[1]))).toEqual(new Set(['a', 'b']));
});

test('--log-date-format writes the time in that format; logs reads it back per instance, in time order, as written', async () => {
  const format = 'YYYY-MM-DD HH:mm:ss.SSS Z';
  await startTicks('dated', ['-i', '2', '--log-date-format', format, '--env', 'TICK_MS=30']);
  await startTicks('iso', ['--time', '--env', 'TICK_MS=30']);
  await waitFor(() => fileLines(logPath('dated', 'out')).filter((l) => / 1\|tick /.test(l)).length >= 6 || undefined, {
    what: 'lines of instance 1',
  });
  const stamped = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d ([01])\|tick instance=\1 /;
  const written = fileLines(logPath('dated', 'out'));
  expect(written.filter((l) => !stamped.test(l))).toEqual([]);

  const one = (await sb.ok(['logs', 'dated', '--instance', '1', '--lines', '5', '--nostream', '--out'])).stdout;
  const shown = one.trim().split('\n');
  expect(shown).toHaveLength(5);
  for (const line of shown)
    expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d dated:1 out \| tick instance=1 /);

  // Both apps: the dated lines' times are read back, so they interleave with the ISO ones.
  await waitFor(() => fileLines(logPath('iso', 'out')).length >= 6 || undefined, { what: 'lines from iso' });
  const json = (await sb.ok(['logs', '--lines', '6', '--nostream', '--out', '--json'])).stdout.trim().split('\n');
  const recs = json.map((l) => JSON.parse(l) as { time: string | null; app: string });
  expect(new Set(recs.map((r) => r.app))).toEqual(new Set(['dated', 'iso']));
  const times = recs.map((r) => Date.parse(r.time ?? 'none'));
  expect(times.every(Number.isFinite)).toBe(true);
  expect(times).toEqual([...times].sort((x, y) => x - y));

  const described = (await sb.ok(['describe', 'dated'])).stdout;
  expect(described).toContain(`timestamps as "${format}"`);
});

test('following receives new lines promptly and keeps receiving them across a reload; Ctrl-C exits 0', async () => {
  await startTicks('live', ['-i', '2']);
  const f = follow(['live', '--lines', '0', '--out']);
  const pidsBefore = new Set((await sb.list())[0]?.workers.map((w) => w.pid));
  // A tick every 100 ms: the first one should show well within this generous deadline.
  await waitFor(() => f.lines.some((l) => /tick instance=\d pid=\d+/.test(l)) || undefined, {
    timeoutMs: 10000,
    what: 'a followed line',
  });

  await sb.ok(['reload', 'live']);
  const pidsAfter = new Set((await sb.list())[0]?.workers.map((w) => w.pid));
  expect(pidsBefore.size).toBe(2);
  expect(pidsAfter.size).toBe(2);
  for (const p of pidsAfter) expect(pidsBefore.has(p)).toBe(false);
  await waitFor(
    () => {
      const seen = new Set(f.lines.map((l) => Number(/pid=(\d+)/.exec(l)?.[1])));
      return [...pidsAfter].every((p) => seen.has(p as number)) || undefined;
    },
    { timeoutMs: 15000, what: 'lines from both replacement workers' },
  );

  f.child.kill('SIGINT');
  expect(await f.exit).toBe(0);
  expect(f.stderr()).toBe('');
});

test('following every app picks up an app started after it began', async () => {
  await startTicks('first');
  const f = follow(['--lines', '0']);
  await waitFor(() => f.lines.some((l) => l.startsWith('first:0 ')) || undefined, {
    timeoutMs: 10000,
    what: 'lines of the first app',
  });
  await startTicks('second');
  await waitFor(() => f.lines.some((l) => l.startsWith('second:0 out | tick')) || undefined, {
    timeoutMs: 15000,
    what: 'lines of the app started later',
  });
  f.child.kill('SIGINT');
  expect(await f.exit).toBe(0);
});

test('following survives rotation: no line lost or repeated while the file rotates under it', async () => {
  await startTicks('spin', ['--env', 'TICK_MS=5', '--log-max-size', '4K', '--log-retain', '50']);
  const f = follow(['spin', '--lines', '0', '--out']);
  await waitFor(() => f.lines.length >= 5 || undefined, { timeoutMs: 10000, what: 'followed lines' });
  // About 55 bytes a line, 4K a file: 400 lines span several rotations.
  await waitFor(() => f.lines.length >= 400 || undefined, { timeoutMs: 30000, what: '400 followed lines' });
  f.child.kill('SIGINT');
  expect(await f.exit).toBe(0);
  const ns = f.lines.map((l) => Number(/ n=(\d+)$/.exec(l)?.[1]));
  expect(ns.every((n) => Number.isInteger(n))).toBe(true);
  expect(ns.filter((n, i) => i > 0 && n !== ns[i - 1] + 1)).toEqual([]);
  expect(existsSync(`${logPath('spin', 'out')}.3`)).toBe(true);
});

test('logs exits 0 when its reader goes away (| head)', async () => {
  await startTicks('piped', ['--env', 'TICK_MS=10']);
  const f = follow(['piped', '--lines', '0']);
  await waitFor(() => f.lines.length >= 3 || undefined, { timeoutMs: 10000, what: 'three lines' });
  f.child.stdout.destroy();
  expect(await f.exit).toBe(0);
  expect(f.stderr()).toBe('');
});

test('logs --nostream exits 0 too when its reader goes away in the middle of the history', async () => {
  await sb.ok(['start', join(FIXTURES, 'logs', 'prints-100k-lines.js'), '--name', 'big', '--env', 'LINES=30000']);
  await waitFor(() => fileLines(logPath('big', 'out')).length > 30000 || undefined, {
    timeoutMs: 30000,
    what: 'the 30,000 lines',
  });
  const f = follow(['big', '--lines', '30000', '--nostream']);
  await waitFor(() => f.lines.length >= 1 || undefined, { timeoutMs: 10000, what: 'the first line' });
  f.child.stdout.destroy();
  expect(await f.exit).toBe(0);
  expect(f.stderr()).toBe('');
});

test('logs of an unknown app: one error line, exit 1', async () => {
  const r = await sb.cli(['logs', 'nope', '--nostream']);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n')[0]).toMatch(/^clusterctl: no app named "nope"/);
  expect(r.stdout).toBe('');
});

test('bad logs options are usage errors', async () => {
  for (const args of [
    ['--lines', 'x'],
    ['--instance', '-1'],
    ['--out', '--err'],
    ['--follow', '--nostream'],
    ['--daemon', 'app'],
  ]) {
    const r = await sb.cli(['logs', ...args]);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stderr).toMatch(/^clusterctl: /);
  }
});

test('flush empties the logs of one app and leaves the others; reload-logs reopens moved files', async () => {
  await startTicks('one', ['--env', 'TICK_MS=20', '--log-max-size', '2K']);
  await startTicks('two', ['--env', 'TICK_MS=20']);
  await waitFor(
    () => (existsSync(`${logPath('one', 'out')}.1`) && fileLines(logPath('two', 'out')).length >= 20) || undefined,
    { what: 'history in both apps' },
  );
  const tickOf = (l: string): number => Number(/ n=(\d+)$/.exec(l)?.[1]);
  const lastBefore = Math.max(...fileLines(logPath('one', 'out')).map(tickOf));
  const r = await sb.ok(['flush', 'one']);
  expect(r.stdout).toMatch(/flushed the logs of one/);
  // The app keeps ticking (and rotating every 2K), but nothing written before the flush is left, rotated or not.
  const left = rotationSet(logPath('one', 'out')).flatMap(fileLines).map(tickOf);
  expect(left.filter((n) => n <= lastBefore)).toEqual([]);
  expect(fileLines(logPath('two', 'out')).length).toBeGreaterThanOrEqual(20);

  const missing = await sb.cli(['flush', 'nope']);
  expect(missing.code).toBe(1);

  // What an external logrotate does: move the file away, then tell us.
  const movedPath = `${logPath('two', 'out')}.moved`;
  renameSync(logPath('two', 'out'), movedPath);
  expect((await sb.ok(['reload-logs'])).stdout).toMatch(/reopened the log files of .*two/);
  const movedAfterReopen = fileLines(movedPath).length;
  await waitFor(() => fileLines(logPath('two', 'out')).length >= 5 || undefined, {
    what: 'lines in the reopened file',
  });
  // The moved file is no longer written, and the two files continue each other: nothing lost or repeated.
  expect(fileLines(movedPath)).toHaveLength(movedAfterReopen);
  const ns = [...fileLines(movedPath), ...fileLines(logPath('two', 'out'))].map((l) =>
    Number(/ n=(\d+)$/.exec(l)?.[1]),
  );
  expect(ns.filter((n, i) => n !== i + 1)).toEqual([]);
});

test('logs --daemon shows daemon.log readably', async () => {
  await startTicks('d');
  const r = await sb.ok(['logs', '--daemon', '--nostream', '--lines', '50']);
  const lines = r.stdout.trim().split('\n');
  expect(lines.some((l) => /^\d{4}-\d\d-\d\dT\S+Z INFO {2}\(\d+\) app started .*app=d/.test(l))).toBe(true);
  const json = await sb.ok(['logs', '--daemon', '--nostream', '--lines', '1', '--json']);
  expect(JSON.parse(json.stdout.trim())).toHaveProperty('msg');
});

test('start log flags: --out, --err /dev/null, --log-format json with --time; bad values change nothing', async () => {
  const out = join(sb.home, 'custom', 'x.log');
  const bad = await sb.cli(['start', TICKS, '--name', 'x', '--out', out]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--out .*does not exist/);
  for (const args of [
    ['--log-max-size', '12'],
    ['--log-retain', 'many'],
    ['--log-format', 'yaml'],
    ['--log-date-format', ''],
    ['--log-date-format', 'HH|mm'],
    ['--log-date-format', 'Y'.repeat(101)],
  ]) {
    const r = await sb.cli(['start', TICKS, '--name', 'x', ...args]);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
  }
  expect(await sb.list()).toEqual([]);

  const custom = join(sb.home, 'x-stdout.log');
  await startTicks('x', ['--out', custom, '--err', '/dev/null', '--log-format', 'json', '--time', '--log-compress']);
  await waitFor(() => fileLines(custom).length >= 6 || undefined, { what: 'json lines' });
  const rec = JSON.parse(fileLines(custom)[0]) as Record<string, unknown>;
  expect(rec).toMatchObject({ app: 'x', instance: 0, stream: 'out' });
  expect(Number.isFinite(Date.parse(rec.time as string))).toBe(true);
  expect(existsSync(logPath('x', 'err'))).toBe(false);
  expect(existsSync(logPath('x', 'out'))).toBe(false);
  const info = JSON.parse((await sb.ok(['describe', 'x', '--json'])).stdout) as {
    spec: { logs: Record<string, unknown> };
  };
  expect(info.spec.logs).toMatchObject({ out: custom, err: '/dev/null', format: 'json', time: true, compress: true });
  const r = await sb.ok(['logs', 'x', '--lines', '2', '--nostream']);
  expect(r.stdout.trim().split('\n')).toHaveLength(2);
  expect(statSync(custom).size).toBeGreaterThan(0);
});
