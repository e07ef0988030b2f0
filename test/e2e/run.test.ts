/**
 * `clusterctl run` against real processes: logs on stdout tagged by app and
 * instance, the daemon-compatible socket (`ls`, `scale`, a refused verb),
 * exit codes (the restart policy gave up → 1, one --no-autorestart instance
 * → its own code), a second SIGTERM during a slow stop, SIGHUP reloads,
 * --http probes and metrics, and bad flags refused with one line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { acceptingPorts } from '../helpers/proc';
import { killTree, startRun, type RunningRun } from '../helpers/runner';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

jest.setTimeout(60000);

let sb: Sandbox;
let run: RunningRun | null = null;

beforeEach(() => {
  sb = createSandbox('run-');
});
afterEach(async () => {
  killTree(run?.child.pid);
  run = null;
  await sb.cleanup();
});

async function online(n: number, name: string): Promise<Array<{ pid: number | null }>> {
  // Before any CLI call: a CLI finding no socket would start a daemon of its own in this home.
  await waitFor(() => existsSync(join(sb.home, 'daemon.sock')), { what: 'run serving daemon.sock' });
  return waitFor(
    async () => {
      const app = (await sb.list()).find((a) => a.name === name);
      const up = app?.workers.filter((w) => w.status === 'online') ?? [];
      return up.length === n ? up : null;
    },
    { what: `${n} ${name} workers online` },
  );
}

it('serves, logs app:instance| lines on stdout, answers ls and scale on its socket, refuses stop', async () => {
  const port = await freePort();
  run = startRun([join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`], sb.env);
  await online(2, 'web');
  expect((await httpGet(port)).status).toBe(200);
  await waitFor(() => /^web:0\|hello: instance 0/m.test(run?.out() ?? '') && /^web:1\|/m.test(run?.out() ?? ''), {
    what: 'both workers logged on stdout',
  });
  await sb.ok(['scale', 'web', '3']);
  await online(3, 'web');
  const refused = await sb.cli(['stop', 'web']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/stop is not available under clusterctl run/);
  const logs = await sb.cli(['logs', 'web', '--lines', '5']);
  expect(logs.code).toBe(2);
  expect(logs.stderr).toMatch(/web writes to the output of clusterctl run, not to files: read it there \(docker logs/);
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('--scheduling none: each worker accepts on the shared socket itself', async () => {
  const port = await freePort();
  const args = [
    join(FIXTURES, 'hello.js'),
    '-i',
    '2',
    '--name',
    'web',
    '--scheduling',
    'none',
    '--env',
    `PORT=${port}`,
  ];
  run = startRun(args, sb.env);
  const workers = await online(2, 'web');
  for (const w of workers) expect(acceptingPorts(w.pid ?? -1)).toContain(port);
  expect((await httpGet(port)).status).toBe(200);
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it("start's notices: --scheduling in fork mode is said once on stderr, before the app starts, and the app runs", async () => {
  const port = await freePort();
  const args = [join(FIXTURES, 'hello.js'), '--name', 'job', '--exec-mode', 'fork', '--scheduling', 'none'];
  run = startRun([...args, '--env', `PORT=${port}`], sb.env);
  const [worker] = await online(1, 'job');
  expect((await httpGet(port)).status).toBe(200);
  const line =
    'clusterctl: job: --scheduling applies to cluster mode only (fork-mode processes share no listening socket); not used';
  const lines = run.err().split('\n');
  expect(lines.filter((l) => l === line)).toHaveLength(1);
  // Before the app: nothing the app wrote precedes it on run's stderr.
  expect(lines[0]).toBe(line);
  expect(run.out()).not.toContain('--scheduling');
  const [listed] = (await sb.list()) as unknown as Array<{ spec: { execMode: string; scheduling: string } }>;
  expect(listed.spec).toMatchObject({ execMode: 'fork', scheduling: 'rr' });
  expect(worker.pid).not.toBeNull();
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('--json writes JSON lines, and SIGHUP reloads every worker', async () => {
  const port = await freePort();
  run = startRun([join(FIXTURES, 'hello.js'), '--json', '--env', `PORT=${port}`], sb.env);
  const [before] = (await online(1, 'hello')) as [{ pid: number | null }];
  const line = await waitFor(() =>
    run
      ?.out()
      .split('\n')
      .find((l) => l.startsWith('{')),
  );
  expect(JSON.parse(line)).toMatchObject({ app: 'hello', instance: 0, stream: 'out' });
  run.child.kill('SIGHUP');
  await waitFor(
    async () => {
      const w = (await sb.list())[0]?.workers[0];
      return w.status === 'online' && w.pid !== before.pid;
    },
    { what: 'a new worker after SIGHUP' },
  );
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('-l FILE: the combined log gets every line run prints on its stdout and stderr, tagged as in a file', async () => {
  const combined = join(sb.home, 'combined.log');
  run = startRun(
    [join(FIXTURES, 'logs', 'ticks.js'), '-i', '2', '--name', 'ticks', '-l', combined, '--env', 'TICK_MS=20'],
    sb.env,
  );
  await online(2, 'ticks');
  await waitFor(() => /^1\|warn instance=1 /m.test(existsSync(combined) ? readFileSync(combined, 'utf8') : ''), {
    what: 'a stderr line of instance 1 in the combined log',
  });
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
  // What run printed, tagged `ticks:<instance>|`, is the combined log's `<instance>|` lines, no more, no less.
  const printed = [...run.out().split('\n'), ...run.err().split('\n')]
    .filter((l) => /^ticks:\d\|/.test(l))
    .map((l) => l.slice('ticks:'.length))
    .sort();
  const written = readFileSync(combined, 'utf8').trimEnd().split('\n').sort();
  expect(written.length).toBeGreaterThan(10);
  expect(written).toEqual(printed);
});

it('exits 1 once the restart policy gives up on an app that crashes at every start', async () => {
  run = startRun(
    [join(FIXTURES, 'throws-at-start.js'), '--max-restarts', '2', '--exp-backoff-restart-delay', '50'],
    sb.env,
  );
  const exit = await run.exitWithin(30000);
  expect(exit.code).toBe(1);
  expect(run.err()).toMatch(/given up on/);
  expect(run.err()).toMatch(/boom: this app cannot start/);
});

it('a --no-autorestart single instance that exits 3 makes run exit 3', async () => {
  run = startRun(
    [join(FIXTURES, 'exits-after.js'), '--no-autorestart', '--env', 'EXIT_CODE=3', '--env', 'EXIT_AFTER_MS=1500'],
    sb.env,
  );
  const exit = await run.exitWithin(20000);
  expect(exit.code).toBe(3);
});

it('a second SIGTERM during a slow stop kills every process at once', async () => {
  const port = await freePort();
  run = startRun(
    [join(FIXTURES, 'ignores-sigint.js'), '-i', '2', '--kill-timeout', '20000', '--env', `PORT=${port}`],
    sb.env,
  );
  const workers = await online(2, 'ignores-sigint');
  run.child.kill('SIGTERM');
  await waitFor(() => /stopping every app/.test(run?.err() ?? ''), { what: 'the stop begun' });
  const second = Date.now();
  run.child.kill('SIGTERM');
  const exit = await run.exitWithin(5000);
  expect(exit.at - second).toBeLessThan(3000);
  expect(exit.code).toBe(143);
  await waitFor(() => workers.every((w) => w.pid !== null && !isRunning(w.pid)), {
    what: 'workers killed',
    timeoutMs: 3000,
  });
});

it('--http serves /healthz, /readyz and /metrics', async () => {
  const [port, http] = [await freePort(), await freePort()];
  run = startRun([join(FIXTURES, 'hello.js'), '--env', `PORT=${port}`, '--http', `127.0.0.1:${http}`], sb.env);
  await online(1, 'hello');
  expect((await httpGet(http, '/healthz')).status).toBe(200);
  await waitFor(async () => (await httpGet(http, '/readyz')).status === 200, { what: 'ready' });
  const metrics = await httpGet(http, '/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.body).toMatch(/^clusterctl_worker_up\{app="hello",instance="0"\} 1$/m);
  expect(metrics.body).toMatch(/^clusterctl_run_process_resident_memory_bytes \d+/m);
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('--http-token: /metrics needs the bearer token, the probes do not', async () => {
  const [port, http] = [await freePort(), await freePort()];
  const token = 'a-token-of-24-characters';
  run = startRun(
    [join(FIXTURES, 'hello.js'), '--env', `PORT=${port}`, '--http', `127.0.0.1:${http}`, '--http-token', token],
    sb.env,
  );
  await online(1, 'hello');
  await waitFor(async () => (await httpGet(http, '/readyz')).status === 200, { what: 'ready without a token' });
  expect((await httpGet(http, '/metrics')).status).toBe(401);
  const withToken = await fetch(`http://127.0.0.1:${http}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(withToken.status).toBe(200);
  run.child.kill('SIGTERM');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('a config file: one primary per app of --only, each line tagged with its app; the token variable stays out of the apps', async () => {
  const [api, worker, http] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ...sb.env,
    API_PORT: String(api),
    WORKER_PORT: String(worker),
    CLUSTERCTL_HTTP_TOKEN: 'secret-token-0123456789',
  };
  run = startRun(
    [
      join(FIXTURES, 'ecosystem', 'ecosystem.config.js'),
      '--only',
      'api,worker',
      '--env',
      'production',
      '--http',
      `127.0.0.1:${http}`,
    ],
    env,
  );
  await online(1, 'api');
  await online(1, 'worker');
  const apps = await sb.list();
  expect(apps.map((a) => a.name).sort()).toEqual(['api', 'worker']);
  const listed = JSON.parse((await sb.ok(['ls', '--json'])).stdout) as Array<{ primaryPid: number | null }>;
  const primaries = new Set(listed.map((a) => a.primaryPid));
  expect(primaries.size).toBe(2);
  expect(primaries.has(null)).toBe(false);
  const body = JSON.parse((await httpGet(api)).body) as { env: Record<string, string> };
  expect(body.env.NODE_ENV).toBe('production');
  expect(body.env.CLUSTERCTL_HTTP_TOKEN).toBeUndefined();
  await waitFor(
    () => /^api:0\|reports-env/m.test(run?.out() ?? '') && /^worker:0\|reports-env/m.test(run?.out() ?? ''),
    {
      what: 'both apps logged',
    },
  );
  expect((await httpGet(http, '/metrics')).status).toBe(401);
  run.child.kill('SIGINT');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('a config file whose apps share a primary_group: one host for both, and SIGINT stops them all', async () => {
  const [a, b] = [await freePort(), await freePort()];
  const file = join(sb.home, 'group.config.json');
  const entry = (name: string, port: number) => ({
    name,
    script: join(FIXTURES, 'hello.js'),
    env: { PORT: port },
    primary_group: 'g',
  });
  writeFileSync(file, JSON.stringify({ apps: [entry('a', a), entry('b', b)] }));
  run = startRun([file], sb.env);
  await online(1, 'a');
  await online(1, 'b');
  const listed = JSON.parse((await sb.ok(['ls', '--json'])).stdout) as Array<{ primaryPid: number | null }>;
  const primaries = new Set(listed.map((x) => x.primaryPid));
  expect(primaries.size).toBe(1);
  expect(primaries.has(null)).toBe(false);
  expect((await httpGet(a)).status).toBe(200);
  expect((await httpGet(b)).status).toBe(200);
  run.child.kill('SIGINT');
  expect((await run.exitWithin(15000)).code).toBe(0);
});

it('refuses a non-loopback --http without a token, with one line and exit 2', async () => {
  run = startRun([join(FIXTURES, 'hello.js'), '--http', '0.0.0.0:9615'], sb.env);
  const exit = await run.exitWithin(10000);
  expect(exit.code).toBe(2);
  expect(run.err().trim().split('\n')).toHaveLength(1);
  expect(run.err()).toMatch(/--http-token/);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
