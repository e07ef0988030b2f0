/**
 * The CLI side of scaling and reloading: `scale` (including `scale web -1` as written) and
 * `reload` with its overrides, its refusal of a concurrent reload, and its
 * failure report, through the binary against real workers.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { freePort, httpGet } from '../helpers/net';

type Workers = Array<{ instance: number; pid: number | null; status: string; restarts: number }>;

async function workersOf(sb: Sandbox, name: string): Promise<Workers> {
  const app = (await sb.list()).find((a) => a.name === name);
  return [...(app?.workers ?? [])].sort((a, b) => a.instance - b.instance);
}

describe('scale', () => {
  let sb: Sandbox;
  let port: number;
  beforeAll(async () => {
    sb = createSandbox();
    port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`]);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('2 → 4 → 2 → 4 keeps instance numbers {0,1,2,3} and never touches survivors', async () => {
    const start = await workersOf(sb, 'web');
    const up = await sb.ok(['scale', 'web', '4']);
    expect(up.stdout.split('\n').filter((l) => /│ web /.test(l))).toHaveLength(4);
    const four = await workersOf(sb, 'web');
    expect(four.map((w) => w.instance)).toEqual([0, 1, 2, 3]);
    expect(four.slice(0, 2).map((w) => w.pid)).toEqual(start.map((w) => w.pid));

    await sb.ok(['scale', 'web', '-2']);
    const two = await workersOf(sb, 'web');
    expect(two.map((w) => [w.instance, w.pid])).toEqual(start.map((w) => [w.instance, w.pid]));
    for (const w of four.slice(2)) expect(isAlive(w.pid as number)).toBe(false);

    await sb.ok(['scale', 'web', '+2']);
    const again = await workersOf(sb, 'web');
    expect(again.map((w) => w.instance)).toEqual([0, 1, 2, 3]);
    expect(again.slice(0, 2).map((w) => w.pid)).toEqual(start.map((w) => w.pid));
    expect(again.every((w) => w.status === 'online' && w.restarts === 0)).toBe(true);
  });

  it('scale web -1 works as written, and scaling to the current size is a no-op', async () => {
    const before = await workersOf(sb, 'web');
    await sb.ok(['scale', 'web', '-1']);
    const after = await workersOf(sb, 'web');
    expect(after.map((w) => [w.instance, w.pid])).toEqual(before.slice(0, 3).map((w) => [w.instance, w.pid]));
    const same = await sb.cli(['scale', 'web', '3']);
    expect(same.code).toBe(0);
    expect((await workersOf(sb, 'web')).map((w) => [w.instance, w.pid, w.restarts])).toEqual(
      after.map((w) => [w.instance, w.pid, w.restarts]),
    );
    const described = JSON.parse((await sb.ok(['describe', 'web', '--json'])).stdout) as {
      spec: { instances: number };
    };
    expect(described.spec.instances).toBe(3);
  });
});

describe('scale a stopped app', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = createSandbox();
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('changes the saved instance count; the next start uses it', async () => {
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'jobs']);
    await sb.ok(['stop', 'jobs']);
    const r = await sb.ok(['scale', 'jobs', '+2']);
    expect(r.stdout).toMatch(/│ jobs\s+│ -\s+│ -\s+│ stopped/);
    await sb.ok(['start', 'jobs']);
    expect((await workersOf(sb, 'jobs')).map((w) => [w.instance, w.status])).toEqual([
      [0, 'online'],
      [1, 'online'],
      [2, 'online'],
    ]);
  });
});

describe('reload', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = createSandbox();
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('replaces every worker with new pids, keeps instance numbers, counts a restart and stores overrides', async () => {
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`]);
    const before = await workersOf(sb, 'web');
    const r = await sb.ok([
      'reload',
      'web',
      '--parallel',
      '2',
      '--kill-timeout',
      '3000',
      '--stop-signal',
      'SIGTERM',
      '--listen-timeout',
      '8000',
    ]);
    expect(r.stdout).toMatch(/│ online/);
    // stderr is not a terminal here: no progress line.
    expect(r.stderr).toBe('');
    const after = await workersOf(sb, 'web');
    expect(after.map((w) => w.instance)).toEqual([0, 1]);
    for (const w of after) expect(before.map((b) => b.pid)).not.toContain(w.pid);
    expect(after.map((w) => w.restarts)).toEqual([1, 1]);
    const spec = (JSON.parse((await sb.ok(['describe', 'web', '--json'])).stdout) as { spec: Record<string, unknown> })
      .spec;
    expect(spec).toMatchObject({ killTimeout: 3000, stopSignal: 'SIGTERM', listenTimeout: 8000 });
    expect((await httpGet(port)).status).toBe(200);
    const bad = await sb.cli(['reload', 'web', '--parallel', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--parallel "0": expected a whole number from 1/);
  });

  it('reload --wait-ready waits for process.send("ready") and keeps the setting', async () => {
    await sb.ok(['start', join(FIXTURES, 'ready-after-1s.js'), '--name', 'later', '--env', `PORT=${await freePort()}`]);
    const r = await sb.ok(['reload', 'later', '--wait-ready']);
    const app = (await sb.list()).find((a) => a.name === 'later') as unknown as {
      spec: { waitReady: boolean };
      workers: Array<{ startedAt: number }>;
    };
    expect(app.spec.waitReady).toBe(true);
    // The fixture says ready one second after it starts: the reload cannot have returned sooner.
    const finished = Date.now();
    expect(finished - (app.workers[0]?.startedAt ?? finished)).toBeGreaterThanOrEqual(1000);
    expect(r.stdout).toMatch(/│ later .*│ online/);
    await sb.ok(['delete', 'later']);
  });

  it('refuses a second reload of the same app while one runs', async () => {
    const port = await freePort();
    await sb.ok([
      'start',
      join(FIXTURES, 'ready-after-1s.js'),
      // Four workers ready one second after start, replaced one at a time: the
      // first reload runs for 4 s or more, time enough on a loaded machine for
      // two more CLIs to start and ask.
      '-i',
      '4',
      '--name',
      'slow',
      '--wait-ready',
      '--env',
      `PORT=${port}`,
    ]);
    const first = sb.cli(['reload', 'slow']);
    await waitFor(async () => (await sb.list()).find((a) => a.name === 'slow')?.status === 'reloading', {
      timeoutMs: 15000,
      intervalMs: 20,
      what: 'the first reload to run',
    });
    const second = await sb.cli(['reload', 'slow']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^clusterctl: app slow is busy: a reload is in progress/);
    const done = await first;
    expect(done.code).toBe(0);
    expect((await workersOf(sb, 'slow')).map((w) => [w.instance, w.status])).toEqual([
      [0, 'online'],
      [1, 'online'],
      [2, 'online'],
      [3, 'online'],
    ]);
  });

  it('a replacement that crashes at start: exit 1 naming the instance, the old workers keep serving', async () => {
    const port = await freePort();
    const marker = join(sb.home, 'crash-marker');
    await sb.ok([
      'start',
      join(FIXTURES, 'crashes-if-marker.js'),
      '-i',
      '2',
      '--name',
      'fragile',
      '--env',
      `PORT=${port}`,
      '--env',
      `MARKER=${marker}`,
    ]);
    const before = await workersOf(sb, 'fragile');
    writeFileSync(marker, '');
    try {
      const r = await sb.cli(['reload', 'fragile']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^clusterctl: .*instance 0.*marker present/);
      const after = await workersOf(sb, 'fragile');
      expect(after.map((w) => [w.instance, w.pid, w.status])).toEqual(before.map((w) => [w.instance, w.pid, 'online']));
      for (let i = 0; i < 5; i++) {
        const body = JSON.parse((await httpGet(port)).body) as { pid: number };
        expect(before.map((w) => w.pid)).toContain(body.pid);
      }
    } finally {
      rmSync(marker, { force: true });
    }
  });
});

describe('restart all and reload all', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox();
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'busy']);
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'parked']);
    await sb.ok(['stop', 'parked']);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it.each([['restart'], ['reload']])(
    '%s all replaces the running apps and leaves a stopped app stopped',
    async (command) => {
      const before = await workersOf(sb, 'busy');
      const r = await sb.ok([command, 'all']);
      expect(r.stdout).toMatch(/│ parked\s+│ -\s+│ -\s+│ stopped/);
      const after = await workersOf(sb, 'busy');
      expect(after[0]?.pid).not.toBe(before[0]?.pid);
      expect(after[0]?.restarts).toBe((before[0]?.restarts ?? 0) + 1);
      expect((await sb.list()).find((a) => a.name === 'parked')?.status).toBe('stopped');
    },
  );

  it('restart of a stopped app by name starts it', async () => {
    await sb.ok(['restart', 'parked']);
    expect((await workersOf(sb, 'parked')).map((w) => w.status)).toEqual(['online']);
  });
});
