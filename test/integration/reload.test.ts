/**
 * Reload under real HTTP load drops nothing: three consecutive rolling
 * reloads of a 2- and a 4-worker app, with keep-alive connections and with
 * `Connection: close`, give zero failed requests. Every pid is new after each
 * reload and the instance numbers do not change.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { startLoad } from '../helpers/load';
import { waitFor } from '../helpers/wait';
import { isAlive } from '../helpers/proc';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

async function workersOf(name: string): Promise<Awaited<ReturnType<Sandbox['list']>>[number]['workers']> {
  const apps = await sb.list();
  const app = apps.find((a) => a.name === name);
  if (!app) throw new Error(`app ${name} not listed`);
  return app.workers;
}

describe.each([
  [2, true],
  [2, false],
  [4, true],
  [4, false],
])('reload of a %i-worker app under load (keep-alive: %s)', (instances, keepAlive) => {
  test('three reloads, zero failed requests, new pids, same instance numbers', async () => {
    const port = await freePort();
    await sb.ok([
      'start',
      join(FIXTURES, 'hello.js'),
      '-i',
      String(instances),
      '--name',
      'web',
      '--env',
      `PORT=${port}`,
    ]);
    const before = await workersOf('web');
    expect(before.map((w) => w.instance)).toEqual([...Array(instances).keys()]);

    const load = startLoad(port, { keepAlive, connections: 10, maxSeconds: 120 });
    // Let the load reach every worker before the first reload.
    await waitFor(async () => (await httpGet(port)).status === 200, { what: 'app answering' });
    let previous = new Set(before.map((w) => w.pid));
    for (let round = 1; round <= 3; round++) {
      await sb.ok(['reload', 'web']);
      const after = await workersOf('web');
      expect(after.map((w) => w.instance)).toEqual([...Array(instances).keys()]);
      expect(after.every((w) => w.status === 'online')).toBe(true);
      for (const w of after) {
        expect(w.pid).not.toBeNull();
        expect(previous.has(w.pid)).toBe(false);
        expect(w.restarts).toBe(round);
      }
      previous = new Set(after.map((w) => w.pid));
    }
    const result = await load.stop();
    expect(result.requests).toBeGreaterThan(100);
    expect({
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      kinds: result.errorKinds,
    }).toEqual({ non2xx: 0, errors: 0, timeouts: 0, kinds: {} });
  });
});

test('a reload whose replacement crashes at start exits 1 and the old workers keep serving', async () => {
  const port = await freePort();
  const marker = join(sb.home, 'crash-marker');
  await sb.ok([
    'start',
    join(FIXTURES, 'crashes-if-marker.js'),
    '-i',
    '2',
    '--name',
    'web',
    '--env',
    `PORT=${port}`,
    '--env',
    `MARKER=${marker}`,
  ]);
  const before = await workersOf('web');
  writeFileSync(marker, '');
  const load = startLoad(port, { keepAlive: true, connections: 5, maxSeconds: 60 });
  const r = await sb.cli(['reload', 'web']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/instance 0/);
  expect(r.stderr).toMatch(/marker present/);
  const after = await workersOf('web');
  expect(after.map((w) => w.pid)).toEqual(before.map((w) => w.pid));
  expect(after.every((w) => w.status === 'online')).toBe(true);
  const res = await httpGet(port);
  expect(res.status).toBe(200);
  const result = await load.stop();
  expect(result.requests).toBeGreaterThan(10);
  expect({ non2xx: result.non2xx, errors: result.errors }).toEqual({ non2xx: 0, errors: 0 });
});

test('--wait-ready: the old worker is gone within 4 s of the reload starting', async () => {
  const port = await freePort();
  await sb.ok([
    'start',
    join(FIXTURES, 'ready-after-1s.js'),
    '--name',
    'ready',
    '--wait-ready',
    '--env',
    `PORT=${port}`,
  ]);
  const [old] = await workersOf('ready');
  const started = Date.now();
  const reload = sb.cli(['reload', 'ready']);
  await waitFor(() => !isAlive(old.pid as number), { timeoutMs: 15000, intervalMs: 20, what: 'old worker gone' });
  const goneAfter = Date.now() - started;
  expect((await reload).code).toBe(0);
  // The replacement is ready ~1 s after it starts; the promise is under 4 s.
  expect(goneAfter).toBeLessThan(4000);
  // And the old one was not stopped before the replacement said ready (a
  // reload that took "listening" for ready would end it sooner).
  expect(goneAfter).toBeGreaterThanOrEqual(1000);
});

test('an app that ignores its stop signal is shown stopping, then killed after the kill timeout', async () => {
  const port = await freePort();
  await sb.ok([
    'start',
    join(FIXTURES, 'ignores-sigint.js'),
    '--name',
    'stubborn',
    '--kill-timeout',
    '1500',
    '--env',
    `PORT=${port}`,
  ]);
  const [w] = await workersOf('stubborn');
  const stopStarted = Date.now();
  const stop = sb.cli(['stop', 'stubborn']);
  await waitFor(
    async () => {
      const app = (await sb.list()).find((a) => a.name === 'stubborn');
      return app?.status === 'stopping' || app?.workers[0]?.status === 'stopping';
    },
    { timeoutMs: 15000, what: 'status stopping' },
  );
  expect(isAlive(w.pid as number)).toBe(true);
  expect((await stop).code).toBe(0);
  expect(isAlive(w.pid as number)).toBe(false);
  // Only SIGKILL ends it, and that comes no sooner than the kill timeout.
  expect(Date.now() - stopStarted).toBeGreaterThanOrEqual(1500);
  const apps = await sb.list();
  expect(apps.find((a) => a.name === 'stubborn')?.status).toBe('stopped');
});

test('an app that never listens (a queue consumer) reloads too', async () => {
  await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '-i', '2', '--name', 'consumer']);
  const before = await workersOf('consumer');
  await sb.ok(['reload', 'consumer']);
  const after = await workersOf('consumer');
  expect(after.map((w) => w.instance)).toEqual([0, 1]);
  for (const w of after) expect(before.map((b) => b.pid)).not.toContain(w.pid);
  for (const b of before) expect(isAlive(b.pid as number)).toBe(false);
});

test('while a replacement comes online, ls lists it as its own launching row next to the old online one', async () => {
  const ready = join(sb.home, 'ready');
  writeFileSync(ready, '');
  await sb.ok([
    'start',
    join(FIXTURES, 'ready-when-file-exists.js'),
    '-i',
    '2',
    '--name',
    'slow',
    '--wait-ready',
    '--listen-timeout',
    '60000',
    '--env',
    `READY_FILE=${ready}`,
  ]);
  const before = await workersOf('slow');
  // Replacements now wait for the file: the test decides when they are ready.
  rmSync(ready);
  const reload = sb.cli(['reload', 'slow']);
  type Row = {
    instance: number;
    pid: number | null;
    status: string;
    role?: string;
    cpu: number | null;
    memory: number | null;
  };
  const rows = await waitFor(
    async () => {
      const ws = (await workersOf('slow')) as Row[];
      const fresh = ws.find((w) => w.role === 'replacement' && w.status === 'launching');
      return fresh && ws.some((w) => w.instance === fresh.instance && w.role === 'serving' && w.status === 'online')
        ? ws
        : null;
    },
    { timeoutMs: 30000, what: 'a launching replacement row next to its online serving row' },
  );
  const fresh = rows.find((w) => w.role === 'replacement') as Row;
  const old = rows.find((w) => w.instance === fresh.instance && w.role === 'serving') as Row;
  expect(before.map((w) => w.pid)).toContain(old.pid);
  expect(before.map((w) => w.pid)).not.toContain(fresh.pid);
  expect(isAlive(fresh.pid as number)).toBe(true);
  // The table shows it too, labelled, and the app is not counted twice.
  const table = await sb.ok(['ls']);
  expect(table.stdout).toMatch(new RegExp(`│ ${fresh.instance} \\(new\\) +│ ${fresh.pid} +│ launching`));
  expect(((await sb.list()).find((a) => a.name === 'slow') as { status: string }).status).toBe('reloading');
  // Its own cpu and memory arrive with the next samples (the metrics event is keyed by pid),
  // not only once it serves: nothing else is pushed while it waits for the file.
  const sampled = await waitFor(
    async () => {
      const r = ((await workersOf('slow')) as Row[]).find((w) => w.pid === fresh.pid);
      return r && r.memory !== null && r.cpu !== null ? r : null;
    },
    { timeoutMs: 20000, what: "the replacement row's cpu and memory" },
  );
  expect(sampled.role).toBe('replacement');
  expect(sampled.memory).toBeGreaterThan(1024 * 1024);

  writeFileSync(ready, '');
  const done = await reload;
  expect(done.code).toBe(0);
  const after = (await workersOf('slow')) as Row[];
  expect(after.map((w) => [w.instance, w.status, w.role])).toEqual([
    [0, 'online', 'serving'],
    [1, 'online', 'serving'],
  ]);
  for (const w of after) expect(before.map((b) => b.pid)).not.toContain(w.pid);
});

test('a stop while a scheduled replacement starts wins: both processes end, nothing is handed over', async () => {
  const ready = join(sb.home, 'ready');
  writeFileSync(ready, '');
  // The worker never listens and ignores the 'shutdown' message, so a stop
  // ends it only at the kill timeout: the replacement (a cron restart, which
  // runs beside the person's commands) becomes ready while the stop is under
  // way, deterministically.
  await sb.ok([
    ...['start', join(FIXTURES, 'ready-when-file-exists.js'), '--name', 'race', '--wait-ready'],
    ...['--shutdown-with-message', '--kill-timeout', '6000', '--env', `READY_FILE=${ready}`],
    ...['--cron-restart', '* * * * * *'],
  ]);
  rmSync(ready);
  type Row = { pid: number | null; status: string; role?: string };
  const rows = await waitFor(
    async () => {
      const ws = (await workersOf('race')) as Row[];
      return ws.some((w) => w.role === 'replacement' && w.pid !== null) ? ws : undefined;
    },
    { timeoutMs: 30000, what: 'the scheduled replacement row' },
  );
  const stop = sb.cli(['stop', 'race']);
  await waitFor(async () => (await workersOf('race')).some((w) => w.status === 'stopping') || undefined, {
    timeoutMs: 30000,
    what: 'the stop under way',
  });
  writeFileSync(ready, '');
  const stopped = await stop;
  expect(stopped.code).toBe(0);
  for (const w of rows) expect(isAlive(w.pid as number)).toBe(false);
  expect((await sb.list()).find((a) => a.name === 'race')?.status).toBe('stopped');
  // The replacement came online during the stop and was not handed the slot.
  expect(readFileSync(join(sb.home, 'logs', 'race-primary.log'), 'utf8')).toContain(
    'instance 0 was stopped while its replacement started',
  );
});
