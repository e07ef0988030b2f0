/**
 * `--cron-restart` against real processes: a six-field schedule replaces the
 * workers on its ticks, `describe` shows the next run, a stopped app is not
 * started by it, the schedule survives save/kill/resurrect, and an
 * autorestart:false job that exits is run again by its schedule only.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

interface Listed {
  name: string;
  status: string;
  cron?: { expr: string; nextRun: number | null; lastRun: number | null } | null;
  workers: Array<{ instance: number; pid: number | null; status: string; restarts: number }>;
}

const dir = useTempDir('cron-');
let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

async function app(name: string): Promise<Listed | undefined> {
  return ((await sb.list()) as Listed[]).find((a) => a.name === name);
}

const EVERY_2S = '*/2 * * * * *';

async function startScheduled(): Promise<void> {
  const script = join(dir(), 'hello.js');
  copyFileSync(join(FIXTURES, 'hello.js'), script);
  const port = await freePort();
  await sb.ok(['start', script, '--name', 'web', '--env', `PORT=${port}`, '--cron-restart', EVERY_2S]);
}

test('every 2 s: the workers are replaced at least twice in 7 s, describe shows the next run; stop ends it', async () => {
  const started = Date.now();
  await startScheduled();
  const first = await app('web');
  expect(first?.cron?.expr).toBe(EVERY_2S);
  expect(first?.cron?.nextRun).toBeGreaterThan(Date.now() - 100);
  const d = await sb.ok(['describe', 'web']);
  expect(d.stdout).toMatch(/cron restart +\*\/2 \* \* \* \* \*/);
  expect(d.stdout).toMatch(/next run +\d{4}-\d\d-\d\dT/);
  await waitFor(async () => ((await app('web'))?.workers[0].restarts ?? 0) >= 2, {
    what: 'two scheduled reloads',
    timeoutMs: 7000 - (Date.now() - started),
  });

  await sb.ok(['stop', 'web']);
  // Three ticks' worth of time: the app must stay stopped throughout.
  const until = Date.now() + 4500;
  while (Date.now() < until) {
    expect((await app('web'))?.status).toBe('stopped');
  }
  expect((await sb.ok(['describe', 'web'])).stdout).toMatch(/next run +- \(the app is not running\)/);
});

test('a schedule never fires at registration', async () => {
  const script = join(dir(), 'hello.js');
  copyFileSync(join(FIXTURES, 'hello.js'), script);
  const port = await freePort();
  await sb.ok([
    'start',
    script,
    '--name',
    'web',
    '--env',
    `PORT=${port}`,
    '--cron-restart',
    '0 0 1 1 *',
    '--cron-tz',
    'UTC',
  ]);
  const a = await app('web');
  expect(a?.workers[0].restarts).toBe(0);
  expect(a?.cron?.lastRun).toBeNull();
  expect(new Date(a?.cron?.nextRun ?? 0).toISOString()).toMatch(/-01-01T00:00:00\.000Z$/);
});

test('the schedule fires again after save, kill, resurrect', async () => {
  await startScheduled();
  await sb.ok(['save']);
  await sb.ok(['kill']);
  await sb.ok(['resurrect']);
  const back = await waitFor(async () => {
    const a = await app('web');
    return a?.status === 'online' ? a : null;
  });
  expect(back.cron?.expr).toBe(EVERY_2S);
  const pid = back.workers[0].pid;
  await waitFor(
    async () => {
      const w = (await app('web'))?.workers[0];
      return w?.status === 'online' && w.pid !== pid;
    },
    { what: 'a scheduled reload after resurrect', timeoutMs: 10000 },
  );
});

test('an autorestart:false job that exits is run again by its schedule and by nothing else', async () => {
  const runs = join(dir(), 'runs.txt');
  const job = join(dir(), 'job.js');
  writeFileSync(
    job,
    `require('node:fs').appendFileSync(${JSON.stringify(runs)}, Date.now() + '\\n');\nsetTimeout(() => process.exit(0), 400);\n`,
  );
  await sb.ok(['start', job, '--name', 'job', '--no-autorestart', '--min-uptime', '100', '--cron-restart', EVERY_2S]);
  const times = (): number[] => readFileSync(runs, 'utf8').trim().split('\n').map(Number);
  await waitFor(() => times().length >= 4, { what: 'three scheduled runs', timeoutMs: 15000 });
  // Scheduled runs come a tick apart (2 s); a restart on exit would come ~0.5 s after the previous run.
  // (The start's own run may come any time before the first tick.)
  const t = times();
  for (let i = 2; i < t.length; i++) expect(t[i] - t[i - 1]).toBeGreaterThan(1400);
  expect((await app('job'))?.workers[0].status).not.toBe('waiting-restart');
  const a = await app('job');
  expect(a?.cron?.lastRun).not.toBeNull();
});

test('an invalid expression is refused with one line and exit 2, nothing started', async () => {
  const script = join(dir(), 'hello.js');
  copyFileSync(join(FIXTURES, 'hello.js'), script);
  const r = await sb.cli(['start', script, '--cron-restart', '61 * * * *']);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/--cron-restart "61 \* \* \* \*": .*minute/);
  const tz = await sb.cli(['start', script, '--cron-restart', '0 3 * * *', '--cron-tz', 'Mars/Olympus']);
  expect(tz.code).toBe(2);
  expect(tz.stderr).toMatch(/unknown time zone "Mars\/Olympus"/);
  expect(await sb.list()).toEqual([]);
});
