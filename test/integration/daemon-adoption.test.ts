/**
 * The apps outlive the daemon. kill -9 of the daemon under a steady stream
 * of requests fails none of them; the next command starts a new daemon that
 * adopts the running app primaries (same worker pids, nothing restarted) and
 * starts again, from state.json, an app whose primary is gone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { freePort, httpGet } from '../helpers/net';

/** A steady stream of requests from a few sequential clients, each on a fresh connection. */
function steadyTraffic(port: number, clients = 4): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const loops = Array.from({ length: clients }, async () => {
    const deadline = Date.now() + 60000;
    while (running && Date.now() < deadline) {
      try {
        const r = await httpGet(port, '/', 5000);
        if (r.status === 200) ok++;
        else failed.push(`status ${r.status}`);
      } catch (err) {
        failed.push(err instanceof Error ? err.message : String(err));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failed };
    },
  };
}

function daemonPid(home: string): number {
  return Number(readFileSync(join(home, 'daemon.pid'), 'utf8'));
}

describe('daemon restarts do not touch the apps', () => {
  let sb: Sandbox;
  afterEach(async () => {
    await sb.cleanup();
  });

  it('kill -9 of the daemon under steady load fails no request, and the next ls shows the same pids', async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web'], { env: { PORT: String(port) } });
    const before = await sb.list();
    const traffic = steadyTraffic(port);
    await waitFor(async () => (await httpGet(port)).status === 200, { what: 'traffic flowing' });
    const oldDaemon = daemonPid(sb.home);
    process.kill(oldDaemon, 'SIGKILL');
    await waitFor(() => !isAlive(oldDaemon), { timeoutMs: 10000, what: 'daemon to die' });
    // Keep the traffic going for a while with no daemon at all.
    const servedBefore = (await httpGet(port)).status;
    const after = await sb.list();
    const result = await traffic.stop();
    expect(servedBefore).toBe(200);
    expect(result.failed).toEqual([]);
    expect(result.ok).toBeGreaterThan(0);
    expect(daemonPid(sb.home)).not.toBe(oldDaemon);
    expect(after).toHaveLength(1);
    expect(after[0]?.status).toBe('online');
    expect(after[0]?.workers.map((w) => [w.instance, w.pid, w.restarts])).toEqual(
      before[0]?.workers.map((w) => [w.instance, w.pid, w.restarts]),
    );
  });

  it('starts again, from state.json, an app whose primary died while no daemon ran', async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'web', '--env', `PORT=${port}`]);
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'idle']);
    await sb.ok(['stop', 'idle']);
    const described = JSON.parse((await sb.ok(['describe', 'web', '--json'])).stdout) as {
      primaryPid: number;
      workers: Array<{ pid: number }>;
    };
    const oldDaemon = daemonPid(sb.home);
    process.kill(oldDaemon, 'SIGKILL');
    process.kill(described.primaryPid, 'SIGKILL');
    await waitFor(() => !isAlive(oldDaemon) && !isAlive(described.primaryPid), {
      timeoutMs: 10000,
      what: 'daemon and primary to die',
    });
    // The worker follows its primary (its IPC channel closes); the new daemon sweeps up any straggler.
    await waitFor(
      async () => {
        const apps = await sb.list();
        const web = apps.find((a) => a.name === 'web');
        return web?.status === 'online' && web.workers[0]?.pid !== described.workers[0]?.pid ? apps : undefined;
      },
      { timeoutMs: 30000, what: 'web to be started again' },
    );
    const apps = await sb.list();
    expect(apps.map((a) => [a.name, a.status])).toEqual([
      ['web', 'online'],
      ['idle', 'stopped'],
    ]);
    expect((await httpGet(port)).status).toBe(200);
    for (const w of described.workers) expect(isAlive(w.pid)).toBe(false);
  });

  it('restarts an app primary that dies under a running daemon, counting one restart per worker', async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`]);
    const before = JSON.parse((await sb.ok(['describe', 'web', '--json'])).stdout) as {
      primaryPid: number;
      workers: Array<{ pid: number }>;
    };
    process.kill(before.primaryPid, 'SIGKILL');
    const after = await waitFor(
      async () => {
        const app = JSON.parse((await sb.ok(['describe', 'web', '--json'])).stdout) as {
          status: string;
          primaryPid: number | null;
          workers: Array<{ pid: number; restarts: number }>;
        };
        return app.status === 'online' && app.primaryPid !== before.primaryPid ? app : undefined;
      },
      { timeoutMs: 20000, what: 'a new primary online' },
    );
    expect(after.workers.map((w) => w.restarts)).toEqual([1, 1]);
    for (const w of before.workers) expect(isAlive(w.pid)).toBe(false);
    expect((await httpGet(port)).status).toBe(200);
    const log = readFileSync(join(sb.home, 'daemon.log'), 'utf8');
    expect(log).toMatch(/app primary exited unexpectedly/);
  });

  it('a primary that keeps dying waits a growing backoff, which ls counts down from restartAt', async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '1', '--name', 'web', '--env', `PORT=${port}`]);
    type Described = {
      status: string;
      primaryPid: number | null;
      workers: Array<{ status: string; reason: string | null; restartAt: number | null }>;
    };
    const describe = async (): Promise<Described> =>
      JSON.parse((await sb.ok(['describe', 'web', '--json'])).stdout) as Described;
    // Each primary killed right after it comes up dies unstable: the next wait is 1.5 times longer
    // (100 ms, 150, 225, …). Kill until a wait of 3 s or more is seen, at most 14 kills (16 give up).
    let waiting: { row: Described['workers'][number]; seenAt: number; pid: number } | null = null;
    // Its own deadline, well inside the test's timeout, so a failure says why and cleanup still runs.
    const deadline = Date.now() + 90000;
    for (let kill = 0; kill < 14 && waiting === null && Date.now() < deadline; kill++) {
      const up = await waitFor(
        async () => {
          const d = await describe();
          return d.status === 'online' && d.primaryPid !== null ? d.primaryPid : undefined;
        },
        { timeoutMs: 30000, what: 'an online primary to kill' },
      );
      process.kill(up, 'SIGKILL');
      const next = await waitFor(
        async () => {
          const d = await describe();
          const row = d.workers.at(0);
          if (row?.status === 'waiting-restart' && row.restartAt !== null) return { row, seenAt: Date.now() };
          return d.primaryPid !== null && d.primaryPid !== up ? { row: null, seenAt: 0 } : undefined;
        },
        { timeoutMs: 30000, what: `the primary after pid ${up} was killed` },
      );
      if (next.row && (next.row.restartAt as number) - next.seenAt >= 3000)
        waiting = { ...next, row: next.row, pid: up };
    }
    if (!waiting) throw new Error('no revival wait of 3 s or more after 14 kills (or 90 s)');
    // The row says why; the countdown is counted by the reader from restartAt, not frozen in the text.
    expect(waiting.row.reason).toBe(`app primary exited unexpectedly (pid ${waiting.pid})`);
    const text = await sb.ok(['describe', 'web']);
    const shown = /reason: app primary exited unexpectedly \(pid \d+\); restarting (?:in (\d+) ms|now)/.exec(
      text.stdout,
    );
    expect(shown).not.toBeNull();
    if (shown?.[1] !== undefined)
      expect(Number(shown[1])).toBeLessThanOrEqual((waiting.row.restartAt as number) - waiting.seenAt);
    // And the primary does come back when the wait is over.
    await waitFor(async () => (await describe()).status === 'online', {
      timeoutMs: 30000,
      what: 'the revived primary',
    });
    expect((await httpGet(port)).status).toBe(200);
  }, 180000);

  it('adopts a running primary found in run/ even when state.json is corrupt', async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`]);
    const before = await sb.list();
    const oldDaemon = daemonPid(sb.home);
    process.kill(oldDaemon, 'SIGKILL');
    await waitFor(() => !isAlive(oldDaemon), { timeoutMs: 10000, what: 'daemon to die' });
    writeFileSync(join(sb.home, 'state.json'), '{"apps": [ torn');
    const after = await sb.list();
    expect(after.map((a) => [a.name, a.status, a.workers.map((w) => w.pid)])).toEqual(
      before.map((a) => [a.name, 'online', a.workers.map((w) => w.pid)]),
    );
    expect((await httpGet(port)).status).toBe(200);
    expect(readFileSync(join(sb.home, 'daemon.log'), 'utf8')).toMatch(/not valid JSON/);
    // The new daemon rewrote a sound state.json.
    expect(JSON.parse(readFileSync(join(sb.home, 'state.json'), 'utf8'))).toMatchObject({
      apps: [{ spec: { name: 'web' }, desired: 'running' }],
    });
  });
});
