/**
 * The everyday commands (start, ls, describe, stop, restart, delete, ping,
 * kill) through the real binary, against a real daemon, real app primaries
 * and real workers answering HTTP on 127.0.0.1.
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processesOfHome } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { freePort, httpGet } from '../helpers/net';
import { anyNumber } from '../helpers/match';

interface Described {
  name: string;
  status: string;
  primaryPid: number | null;
  createdAt: number;
  spec: { instances: number; env: Record<string, string>; killTimeout: number; script: string; cwd: string };
  workers: Array<{
    instance: number;
    pid: number | null;
    status: string;
    restarts: number;
    startedAt: number | null;
    cpu: number | null;
    memory: number | null;
    lastExit: unknown;
    reason: string | null;
  }>;
}

async function describeApp(sb: Sandbox, name: string): Promise<Described> {
  return JSON.parse((await sb.ok(['describe', name, '--json'])).stdout) as Described;
}

async function pidsServing(port: number, expected: number): Promise<Set<number>> {
  const seen = new Set<number>();
  await waitFor(
    async () => {
      const body = JSON.parse((await httpGet(port)).body) as { pid: number };
      seen.add(body.pid);
      return seen.size >= expected;
    },
    { timeoutMs: 20000, intervalMs: 1, what: `${expected} workers answering` },
  );
  return seen;
}

describe('start, ls, describe, stop, restart, delete, ping, kill', () => {
  let sb: Sandbox;
  let port: number;
  beforeAll(async () => {
    sb = createSandbox();
    port = await freePort();
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('start returns once every worker is online and prints its ls rows', async () => {
    const r = await sb.ok(
      ['start', join(FIXTURES, 'reports-env.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`],
      {
        env: { FROM_SHELL: 'first' },
      },
    );
    const rows = r.stdout.split('\n').filter((l) => /│ web /.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/│ web\s+│ [01]\s+│ \d+\s+│ online\s+│ 0 /);
    const pids = await pidsServing(port, 2);
    const app = await describeApp(sb, 'web');
    expect(new Set(app.workers.map((w) => w.pid))).toEqual(pids);
  });

  it('ls --json has the documented shape', async () => {
    await waitFor(async () => (await describeApp(sb, 'web')).workers.every((w) => w.memory !== null), {
      what: 'a metrics sample',
    });
    const apps = JSON.parse((await sb.ok(['ls', '--json'])).stdout) as Described[];
    expect(apps).toHaveLength(1);
    const [web] = apps as [Described];
    expect(Object.keys(web).sort()).toEqual([
      'createdAt',
      'cron',
      'name',
      'primaryPid',
      'spec',
      'status',
      'watch',
      'workers',
    ]);
    expect(web).toMatchObject({ watch: null, cron: null });
    expect(web).toMatchObject({
      name: 'web',
      status: 'online',
      primaryPid: anyNumber(),
      createdAt: anyNumber(),
    });
    for (const w of web.workers) {
      expect(Object.keys(w).sort()).toEqual([
        'cpu',
        'cpuSeconds',
        'instance',
        'lastExit',
        'memory',
        'pid',
        'reason',
        'restartAt',
        'restarts',
        'role',
        'startedAt',
        'status',
      ]);
      expect(w).toMatchObject({
        status: 'online',
        role: 'serving',
        restartAt: null,
        restarts: 0,
        pid: anyNumber(),
        startedAt: anyNumber(),
        cpu: anyNumber(),
        memory: anyNumber(),
      });
    }
    expect(web.workers.map((w) => w.instance).sort()).toEqual([0, 1]);
    const table = (await sb.ok(['ls'])).stdout;
    expect(table).toMatch(/app\s+│ id\s+│ pid\s+│ status\s+│ restarts\s+│ uptime\s+│ cpu\s+│ mem/);
    expect(table).toMatch(/\d+(\.\d)? MB/);
    expect(table).not.toContain('\x1b[');
  });

  it('the app sees the CLI environment at start plus --env', async () => {
    const body = JSON.parse((await httpGet(port)).body) as { env: Record<string, string> };
    expect(body.env.FROM_SHELL).toBe('first');
    expect(body.env.PORT).toBe(String(port));
    expect(body.env.CLUSTERCTL_APP_NAME).toBe('web');
  });

  it("PM2's other names answer as the commands they stand for: l, ps, status; desc; prettylist", async () => {
    const table = (await sb.ok(['ls'])).stdout;
    // Uptime and CPU move between two runs: compare what does not.
    const still = (out: string) => out.replace(/│ \d+[smhd] +│ [\d.]+% +│ [\d.]+ MB +│/g, '');
    for (const name of ['l', 'ps', 'status']) expect(still((await sb.ok([name])).stdout)).toBe(still(table));
    expect((await sb.ok(['desc', 'web'])).stdout).toMatch(/^name\s+web$/m);
    const apps = JSON.parse((await sb.ok(['prettylist'])).stdout) as Array<{ name: string }>;
    expect(apps.map((a) => a.name)).toEqual(['web']);
  });

  it('describe shows the spec and each worker', async () => {
    const text = (await sb.ok(['describe', 'web'])).stdout;
    expect(text).toMatch(/^name\s+web$/m);
    expect(text).toMatch(/^script\s+.*reports-env\.js$/m);
    expect(text).toMatch(/^instances\s+2$/m);
    expect(text).toMatch(/#0 {2}pid \d+ {2}online {2}started \d{4}-\d\d-\d\dT[\d:.]+Z {2}restarts 0/);
  });

  it('restart replaces every worker, counts a restart, and keeps the saved environment', async () => {
    const before = await describeApp(sb, 'web');
    const r = await sb.ok(['restart', 'web'], { env: { FROM_SHELL: 'second' } });
    expect(r.stdout).toMatch(/│ online/);
    const after = await describeApp(sb, 'web');
    expect(after.workers.map((w) => w.restarts)).toEqual([1, 1]);
    for (const w of before.workers) expect(after.workers.map((x) => x.pid)).not.toContain(w.pid);
    const body = JSON.parse((await httpGet(port)).body) as { env: Record<string, string> };
    expect(body.env.FROM_SHELL).toBe('first');
  });

  it('restart --update-env replaces the environment with the current shell plus --env', async () => {
    await sb.ok(['restart', 'web', '--update-env', '--env', `PORT=${port}`, '--env', 'EXTRA=1'], {
      env: { FROM_SHELL: 'third' },
    });
    await waitFor(
      async () => {
        const body = JSON.parse((await httpGet(port)).body) as { env: Record<string, string> };
        return body.env.FROM_SHELL === 'third' && body.env.EXTRA === '1';
      },
      { what: 'the new environment' },
    );
    expect((await describeApp(sb, 'web')).workers.map((w) => w.restarts)).toEqual([2, 2]);
    const r = await sb.cli(['restart', 'web', '--env', 'X=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--env on restart needs --update-env/);
  });

  it('stop keeps the app listed as stopped with one row, and stops every process of it', async () => {
    const before = await describeApp(sb, 'web');
    const r = await sb.ok(['stop', 'web']);
    expect(r.stdout).toMatch(/│ web\s+│ -\s+│ -\s+│ stopped /);
    for (const w of before.workers) expect(isAlive(w.pid as number)).toBe(false);
    expect(isAlive(before.primaryPid as number)).toBe(false);
    const app = await describeApp(sb, 'web');
    expect(app).toMatchObject({ status: 'stopped', primaryPid: null, workers: [] });
    await expect(httpGet(port, '/', 1000)).rejects.toThrow();
  });

  it('start <name> starts a stopped app again with its restart counts unchanged', async () => {
    const r = await sb.ok(['start', 'web']);
    expect(r.stdout).toMatch(/│ online/);
    const app = await describeApp(sb, 'web');
    expect(app.status).toBe('online');
    expect(app.workers.map((w) => w.restarts)).toEqual([2, 2]);
    await pidsServing(port, 2);
    const again = await sb.cli(['start', 'web']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/app web is already running/);
  });

  it('ping prints the daemon pid, version and uptime', async () => {
    const r = await sb.ok(['ping']);
    const pid = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
    expect(r.stdout).toMatch(
      new RegExp(`^daemon pid ${pid}, version \\d+\\.\\d+\\.\\d+ \\(protocol 1\\), up \\d+[smhd], home ${sb.home}`),
    );
  });

  it('delete stops and forgets the app', async () => {
    const before = await describeApp(sb, 'web');
    const r = await sb.ok(['delete', 'web']);
    expect(r.stdout.trim()).toBe('deleted web');
    expect(await sb.list()).toEqual([]);
    for (const w of before.workers) expect(isAlive(w.pid as number)).toBe(false);
    const state = JSON.parse(readFileSync(join(sb.home, 'state.json'), 'utf8')) as { apps: unknown[] };
    expect(state.apps).toEqual([]);
  });

  it('kill stops every app gracefully, then the daemon, and leaves no process or socket behind', async () => {
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'a', '--env', `PORT=${port}`]);
    await sb.ok(['start', join(FIXTURES, 'spawns-child.js'), '--name', 'b', '--env', `PORT=${await freePort()}`]);
    expect(processesOfHome(sb.home).length).toBeGreaterThanOrEqual(6);
    const r = await sb.ok(['kill']);
    expect(r.stdout).toMatch(/^stopped a, b; daemon \(pid \d+\) stopped/);
    expect(processesOfHome(sb.home)).toEqual([]);
    expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
    expect(existsSync(join(sb.home, 'daemon.pid'))).toBe(false);
    expect(existsSync(join(sb.home, 'run', 'a.sock'))).toBe(false);
    // After kill the next daemon starts empty.
    expect(await sb.list()).toEqual([]);
  });
});

describe('an app that ignores its stop signal', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = createSandbox();
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('is shown stopping, then killed after the kill timeout, leaving nothing behind', async () => {
    await sb.ok([
      'start',
      join(FIXTURES, 'ignores-sigint.js'),
      '-i',
      '2',
      '--name',
      'stubborn',
      '--kill-timeout',
      '3000',
      '--env',
      `PORT=${await freePort()}`,
    ]);
    const before = await describeApp(sb, 'stubborn');
    const stopAt = Date.now();
    const stopping = sb.cli(['stop', 'stubborn']);
    const seen = await waitFor(
      async () => {
        const app = (await sb.list()).find((a) => a.name === 'stubborn');
        return app?.status === 'stopping' &&
          app.workers.length === 2 &&
          app.workers.every((w) => w.status === 'stopping')
          ? app
          : undefined;
      },
      { timeoutMs: 10000, intervalMs: 20, what: 'the workers shown stopping' },
    );
    expect(seen.workers.map((w) => w.pid).sort()).toEqual(before.workers.map((w) => w.pid).sort());
    const r = await stopping;
    expect(r.code).toBe(0);
    // The workers ignore SIGINT: only the SIGKILL after --kill-timeout 3000 can have ended them.
    expect(Date.now() - stopAt).toBeGreaterThanOrEqual(3000);
    for (const w of before.workers) expect(isAlive(w.pid as number)).toBe(false);
    expect(isAlive(before.primaryPid as number)).toBe(false);
    const app = await describeApp(sb, 'stubborn');
    expect(app.status).toBe('stopped');
    expect(
      processesOfHome(sb.home).filter((pid) => pid !== Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'))),
    ).toEqual([]);
  });
});

describe('start and restart options reach the processes', () => {
  let sb: Sandbox;
  let bin: string;
  beforeAll(() => {
    sb = createSandbox();
    // A second name for this node binary: the processes must be started through it.
    bin = join(sb.home, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node-for-app'));
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  const cmdline = (pid: number): string[] =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '');

  it('--interpreter runs the primary and workers on that binary, --node-args go to the workers', async () => {
    await sb.ok([
      'start',
      join(FIXTURES, 'hello.js'),
      '--name',
      'flags',
      '--interpreter',
      join(bin, 'node-for-app'),
      '--node-args',
      '--max-old-space-size=96 --no-warnings',
      '--env',
      `PORT=${await freePort()}`,
    ]);
    const app = await describeApp(sb, 'flags');
    expect(cmdline(app.primaryPid as number)[0]).toBe(join(bin, 'node-for-app'));
    // Workers are forked from the primary's own binary (node:cluster uses process.execPath, the resolved path).
    const worker = app.workers[0]?.pid as number;
    expect(readlinkSync(`/proc/${worker}/exe`)).toBe(realpathSync(join(bin, 'node-for-app')));
    expect(cmdline(worker)).toEqual(
      expect.arrayContaining(['--max-old-space-size=96', '--no-warnings', join(FIXTURES, 'hello.js')]),
    );
    // A bare name is looked up in PATH and stored as an absolute path.
    await sb.ok(
      [
        'start',
        join(FIXTURES, 'hello.js'),
        '--name',
        'viapath',
        '--interpreter',
        'node-for-app',
        '--env',
        `PORT=${await freePort()}`,
      ],
      { env: { PATH: `${bin}:${sb.env.PATH}` } },
    );
    expect((await describeApp(sb, 'viapath')).spec).toMatchObject({ interpreter: join(bin, 'node-for-app') });
    await sb.ok(['delete', 'viapath']);
  });

  it('restart overrides are applied and kept in the spec', async () => {
    await sb.ok(['restart', 'flags', '--kill-timeout', '1500', '--stop-signal', 'SIGTERM', '--listen-timeout', '7000']);
    expect((await describeApp(sb, 'flags')).spec).toMatchObject({
      killTimeout: 1500,
      stopSignal: 'SIGTERM',
      listenTimeout: 7000,
    });
    const bad = await sb.cli(['restart', 'flags', '--stop-signal', 'SIGSTOP']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--stop-signal "SIGSTOP": expected one of SIGINT/);
  });
});
