/**
 * Any name PM2 takes is an app name ("NearBy Server"), through the real
 * binary: every command that takes a name works with it quoted as one
 * argument, and everything on disk uses its file form (NearBy-Server). Two
 * names with one file form, and names that cannot be one, are refused with
 * one line and change nothing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type CliResult, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { isAlive, processesOfHome } from '../helpers/proc';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';
import { enableWeb, parseMetrics, sampleValue, webRequest } from '../helpers/web';
import { textWidth } from '../../src/cli/render/text-width';

const NAME = 'NearBy Server';

function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: '' });
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^clusterctl: /);
  expect(lines[0]).toMatch(pattern);
}

type Listed = Awaited<ReturnType<Sandbox['list']>>;
const snapshot = (apps: Listed): string =>
  JSON.stringify(apps.map((a) => [a.name, a.status, a.workers.map((w) => w.pid)]));

function workerPids(apps: Listed, name: string): number[] {
  return (apps.find((a) => a.name === name)?.workers ?? []).map((w) => w.pid ?? -1);
}

describe('an app named "NearBy Server" from an ecosystem file', () => {
  let sb: Sandbox;
  let port: number;
  const dir = useTempDir('names-', { scope: 'all' });
  beforeAll(async () => {
    sb = createSandbox();
    port = await freePort();
    const file = join(dir(), 'ecosystem.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        apps: [
          {
            name: NAME,
            script: join(FIXTURES, 'reports-env.js'),
            instances: 2,
            instance_var: 'worker.id',
            env: { PORT: port },
          },
        ],
      }),
    );
    await sb.ok(['start', file]);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('runs, with its socket and logs under the file form and the instance in worker.id', async () => {
    expect(existsSync(join(sb.home, 'run', 'NearBy-Server.sock'))).toBe(true);
    expect(existsSync(join(sb.home, 'logs', 'NearBy-Server-primary.log'))).toBe(true);
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const body = JSON.parse((await httpGet(port)).body) as { env: Record<string, string> };
        expect(body.env.CLUSTERCTL_APP_NAME).toBe(NAME);
        seen.add(body.env['worker.id']);
        return seen.size === 2;
      },
      { what: 'both instances to answer' },
    );
    expect([...seen].sort()).toEqual(['0', '1']);
    const out = join(sb.home, 'logs', 'NearBy-Server-out.log');
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('listening on'), {
      what: 'the out log',
    });
  });

  it('ls shows the name in a table whose lines are all one width; ls --json has it', async () => {
    const ls = await sb.ok(['ls']);
    expect(ls.stdout).toContain(`│ ${NAME} `);
    const widths = new Set(ls.stdout.trimEnd().split('\n').map(textWidth));
    expect(widths.size).toBe(1);
    const apps = await sb.list();
    expect(apps.map((a) => [a.name, a.status, a.workers.length])).toEqual([[NAME, 'online', 2]]);
  });

  it('describe and logs take the name as one argument', async () => {
    const described = await sb.ok(['describe', NAME]);
    expect(described.stdout).toContain(NAME);
    expect(described.stdout).toContain(join(sb.home, 'logs', 'NearBy-Server-out.log'));
    expect(described.stdout).toMatch(/instance var\s+worker\.id/);
    const logs = await sb.ok(['logs', NAME, '--nostream', '--lines', '20']);
    expect(logs.stdout).toMatch(new RegExp(`${NAME}:[01] out \\| reports-env: instance`));
  });

  it('reload, scale, pid, env, send-signal and reset take the name too', async () => {
    const before = workerPids(await sb.list(), NAME);
    await sb.ok(['reload', NAME]);
    const reloaded = workerPids(await sb.list(), NAME);
    for (const pid of reloaded) expect(before).not.toContain(pid);
    await sb.ok(['scale', NAME, '1']);
    expect(workerPids(await sb.list(), NAME)).toHaveLength(1);
    const pids = (await sb.ok(['pid', NAME])).stdout.trim().split('\n').map(Number);
    expect(pids).toEqual(workerPids(await sb.list(), NAME));
    expect((await sb.ok(['env', NAME, '--show-env'])).stdout).toMatch(/^worker\.id=0$/m);
    // SIGWINCH: ignored by a Node process without a handler, so the worker stays.
    await sb.ok(['send-signal', 'SIGWINCH', NAME]);
    expect(workerPids(await sb.list(), NAME)).toEqual(pids);
    await sb.ok(['reset', NAME]);
    await sb.ok(['scale', NAME, '2']);
    expect(workerPids(await sb.list(), NAME)).toHaveLength(2);
  });

  it('the web endpoint: /readyz, /api and /metrics with the name URL-encoded or as a label', async () => {
    const webPort = await freePort();
    const token = await enableWeb(sb, webPort);
    const path = `/${encodeURIComponent(NAME)}`;
    expect((await webRequest(webPort, `/readyz${path}`)).status).toBe(200);
    const one = await webRequest(webPort, `/api/apps${path}`, { token });
    expect((JSON.parse(one.body) as { name: string }).name).toBe(NAME);
    const metrics = parseMetrics((await webRequest(webPort, '/metrics', { token })).body);
    expect(sampleValue(metrics, 'clusterctl_worker_up', { app: NAME, instance: '0' })).toBe(1);
  });

  it('restart replaces the workers; stop, start by name, delete', async () => {
    const before = workerPids(await sb.list(), NAME);
    await sb.ok(['restart', NAME]);
    const after = workerPids(await sb.list(), NAME);
    expect(after).toHaveLength(2);
    for (const pid of after) expect(before).not.toContain(pid);

    await sb.ok(['stop', NAME]);
    expect((await sb.list()).map((a) => [a.name, a.status])).toEqual([[NAME, 'stopped']]);
    // A name, not a file: the stopped app is started again (not taken for a script).
    await sb.ok(['start', NAME]);
    expect((await sb.list()).map((a) => [a.name, a.status])).toEqual([[NAME, 'online']]);

    await sb.ok(['delete', NAME]);
    expect(await sb.list()).toEqual([]);
    await waitFor(() => !existsSync(join(sb.home, 'run', 'NearBy-Server.sock')), { what: 'the socket to go' });
  });
});

describe('a new daemon adopts a running "NearBy Server"', () => {
  let sb: Sandbox;
  afterEach(async () => {
    await sb.cleanup();
  });

  it.each([['from state.json'], ['with state.json lost (found by its socket)']])('%s', async (how) => {
    sb = createSandbox();
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', NAME]);
    const before = await sb.list();
    const daemon = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
    process.kill(daemon, 'SIGKILL');
    await waitFor(() => !isAlive(daemon), { timeoutMs: 10000, what: 'the daemon to die' });
    if (how.includes('lost')) rmSync(join(sb.home, 'state.json'));
    const after = await sb.list();
    expect(after.map((a) => [a.name, a.status])).toEqual([[NAME, 'online']]);
    expect(workerPids(after, NAME)).toEqual(workerPids(before, NAME));
  });
});

test('a state.json edited to hold two names with one file form: the daemon keeps the first and says so', async () => {
  const sb = createSandbox();
  try {
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'my app']);
    await sb.ok(['stop', 'my app']);
    const daemon = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
    process.kill(daemon, 'SIGKILL');
    await waitFor(() => !isAlive(daemon), { timeoutMs: 10000, what: 'the daemon to die' });
    const stateFile = join(sb.home, 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { apps: Array<{ spec: { name: string } }> };
    const copy = JSON.parse(JSON.stringify(state.apps[0])) as { spec: { name: string } };
    copy.spec.name = 'my-app';
    state.apps.push(copy);
    writeFileSync(stateFile, JSON.stringify(state));
    expect((await sb.list()).map((a) => [a.name, a.status])).toEqual([['my app', 'stopped']]);
    expect(readFileSync(join(sb.home, 'daemon.log'), 'utf8')).toContain(
      'app name \\"my-app\\" has the file form my-app of app \\"my app\\"',
    );
  } finally {
    await sb.cleanup();
  }
});

describe('names that clash or cannot be one', () => {
  let sb: Sandbox;
  const dir = useTempDir('clash-', { scope: 'all' });
  beforeAll(async () => {
    sb = createSandbox();
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'my app']);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  let baseline: string;
  let processes: number;
  beforeEach(async () => {
    baseline = snapshot(await sb.list());
    processes = processesOfHome(sb.home).length;
  });
  afterEach(async () => {
    expect(snapshot(await sb.list())).toBe(baseline);
    expect(processesOfHome(sb.home)).toHaveLength(processes);
  });

  it('"my-app" next to "my app": refused, naming both', async () => {
    expectOneLineError(
      await sb.cli(['start', join(FIXTURES, 'never-listens.js'), '--name', 'my-app']),
      1,
      /app name "my-app" has the file form my-app of app "my app" \(logs\/my-app-out\.log, run\/my-app\.sock\); rename one of them$/,
    );
  });

  it('two apps of one config file with one file form: nothing started', async () => {
    const file = join(dir(), 'clash.config.json');
    const script = join(FIXTURES, 'never-listens.js');
    writeFileSync(
      file,
      JSON.stringify({
        apps: [
          { name: 'a b', script },
          { name: 'a-b', script },
        ],
      }),
    );
    expectOneLineError(
      await sb.cli(['start', file]),
      1,
      /app "a-b" \(apps\[1\]\): name "a-b" has the file form a-b of apps\[0\] "a b"/,
    );
  });

  it.each([
    ['with /', 'a/b', /it contains "\/"/],
    ['empty', '', /it is empty/],
    ['with a newline', 'a\nb', /app name "a\\nb" is not allowed: it contains a control character/],
  ])('a name %s', async (_what, name, pattern) => {
    expectOneLineError(await sb.cli(['start', join(FIXTURES, 'never-listens.js'), '--name', name]), 2, pattern);
  });

  it('a name with a newline in a config file', async () => {
    const file = join(dir(), 'newline.config.json');
    writeFileSync(file, JSON.stringify({ apps: [{ name: 'a\nb', script: join(FIXTURES, 'never-listens.js') }] }));
    expectOneLineError(await sb.cli(['start', file]), 2, /app "a\\nb" \(apps\[0\]\): name: is not allowed/);
  });

  it('--instance-var with "="', async () => {
    expectOneLineError(
      await sb.cli(['start', join(FIXTURES, 'never-listens.js'), '--name', 'iv', '--instance-var', 'A=B']),
      2,
      /--instance-var "A=B": expected a non-empty variable name without "=" or a NUL byte/,
    );
  });
});
