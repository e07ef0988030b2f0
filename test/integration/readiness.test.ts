/**
 * When a worker counts as online, against real processes: an app that never
 * listens is never killed for not listening (min_uptime longer than the
 * listen timeout), workers are visible (pid, launching) from the moment they
 * fork, and a readiness probe for a process that cannot process.send.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { waitFor } from '../helpers/wait';
import { isAlive } from '../helpers/proc';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

type Row = { instance: number; pid: number | null; status: string; restarts: number };

async function workers(name: string): Promise<Row[]> {
  return (await sb.list()).find((a) => a.name === name)?.workers ?? [];
}

/** The app primary's own log, one JSON object per line. */
function primaryEvents(name: string): Array<{ msg: string; instance?: number; pid?: number; time: string }> {
  return readFileSync(join(sb.home, 'logs', `${name}-primary.log`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; instance?: number; pid?: number; time: string });
}

test('a never-listening app with min_uptime 10s and the default listen timeout comes online after 10 s and stays, same pid', async () => {
  const file = join(sb.home, 'consumer.config.js');
  writeFileSync(
    file,
    `module.exports = { apps: [{ name: 'consumer', script: ${JSON.stringify(join(FIXTURES, 'never-listens.js'))}, min_uptime: '10s' }] };\n`,
  );
  const began = Date.now();
  const r = await sb.cli(['start', file], { timeoutMs: 40000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(Date.now() - began).toBeGreaterThanOrEqual(10000);
  const w = (await workers('consumer')).find((x) => x.instance === 0);
  expect(w?.status).toBe('online');
  const pid = w?.pid ?? -1;
  // 30 s later (past the 10 s listen timeout three times over): the same process, still online.
  const until = Date.now() + 30000;
  await waitFor(
    async () => {
      const now = (await workers('consumer')).find((x) => x.instance === 0);
      if (now?.pid !== pid || now.status !== 'online') throw new Error(`worker changed: ${JSON.stringify(now)}`);
      return Date.now() >= until;
    },
    { timeoutMs: 40000, intervalMs: 1000, what: '30 s of the same online worker' },
  );
  expect(isAlive(pid)).toBe(true);
}, 120000);

test('while a 2-worker --wait-ready app starts, ls --json shows both workers launching with their pids', async () => {
  const readyFile = join(sb.home, 'ready-now');
  const starting = sb.cli([
    'start',
    join(FIXTURES, 'ready-when-file-exists.js'),
    '-i',
    '2',
    '--name',
    'slow',
    '--wait-ready',
    '--listen-timeout',
    '30000',
    '--env',
    `READY_FILE=${readyFile}`,
  ]);
  try {
    const seen = await waitFor(
      async () => {
        const ws = await workers('slow');
        return ws.length === 2 && ws.every((w) => w.status === 'launching' && w.pid !== null) && ws;
      },
      { what: 'two launching workers with pids' },
    );
    expect(seen.every((w) => isAlive(w.pid ?? -1))).toBe(true);
  } finally {
    writeFileSync(readyFile, '');
  }
  const r = await starting;
  expect(r.code).toBe(0);
  expect((await workers('slow')).every((w) => w.status === 'online')).toBe(true);
});

test('a fork-mode app with --ready-url is launching until the URL answers, then online; reload restarts one instance at a time', async () => {
  const base = await freePort();
  let second = await freePort();
  while (second === base + 1) second = await freePort();
  const script = join(FIXTURES, 'fork', 'ready-after-2s-no-ipc.py');
  // Instance i listens on PORT + i: probe instance 0's port.
  const starting = sb.cli([
    'start',
    script,
    '-i',
    '2',
    '--name',
    'probe',
    '--env',
    `PORT=${base}`,
    '--ready-url',
    `http://127.0.0.1:${base}/`,
  ]);
  const launching = await waitFor(async () => {
    const ws = await workers('probe');
    return ws.length === 2 && ws.every((w) => w.status === 'launching' && w.pid !== null) && ws;
  });
  expect(await httpGet(base).catch(() => null)).toBeNull();
  const r = await starting;
  expect(r.code).toBe(0);
  expect((await httpGet(base)).status).toBe(200);
  const online = await workers('probe');
  expect(online.every((w) => w.status === 'online')).toBe(true);
  expect(online.map((w) => w.pid)).toEqual(launching.map((w) => w.pid));

  const reload = await sb.ok(['reload', 'probe']);
  expect(reload.stderr).toMatch(/rolling restart/);
  const after = await workers('probe');
  expect(after.every((w) => w.status === 'online')).toBe(true);
  const old = new Set(online.map((w) => w.pid));
  expect(after.every((w) => !old.has(w.pid))).toBe(true);
  // One at a time: each old process exited before its successor was started, and #1 only after #0 was back.
  const ev = primaryEvents('probe').filter((e) => e.msg === 'worker exited' || e.msg === 'forked worker');
  const at = (msg: string, pid: number | null | undefined): number =>
    ev.findIndex((e) => e.msg === msg && e.pid === pid);
  const [old0, old1] = [online[0]?.pid, online[1]?.pid];
  const [new0, new1] = [after[0]?.pid, after[1]?.pid];
  expect(at('worker exited', old0)).toBeLessThan(at('forked worker', new0));
  expect(at('forked worker', new0)).toBeLessThan(at('worker exited', old1));
  expect(at('worker exited', old1)).toBeLessThan(at('forked worker', new1));
  await sb.ok(['stop', 'probe']);
  await waitFor(() => after.every((w) => !isAlive(w.pid ?? -1)));
});
