/**
 * Fork mode against real processes: a Python server, a bash loop with two
 * instances, and `npm start` (npm → sh → node) each start, are listed with
 * their pids and mode, restart after a crash, have their output in the logs,
 * and leave nothing behind after stop and delete; a command that cannot be
 * executed ends errored ("not found") after the restart policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { waitFor } from '../helpers/wait';
import { isAlive } from '../helpers/proc';
import { copyFileSync, mkdirSync } from 'node:fs';
import { descendantsOf } from '../../src/os/process-tree';

const FORK = join(FIXTURES, 'fork');

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

type Row = { instance: number; pid: number | null; status: string; restarts: number; reason?: string | null };
type Listed = { name: string; status: string; spec: { execMode: string }; workers: Row[] };

async function app(name: string): Promise<Listed> {
  const found = (await sb.list()).find((a) => a.name === name) as Listed | undefined;
  if (!found) throw new Error(`app ${name} not listed`);
  return found;
}

function logOf(name: string, stream: 'out' | 'err'): string {
  try {
    return readFileSync(join(sb.home, 'logs', `${name}-${stream}.log`), 'utf8');
  } catch {
    return '';
  }
}

/** Every pid must be gone (a zombie counts as gone). */
async function allGone(pids: number[]): Promise<void> {
  await waitFor(() => pids.every((p) => !isAlive(p)), { what: `pids ${pids.join(',')} gone`, timeoutMs: 15000 });
}

/** Stop then delete; every process it ran, and theirs, is gone. */
async function stopAndDelete(name: string, pids: number[]): Promise<void> {
  await sb.ok(['stop', name]);
  await allGone(pids);
  await sb.ok(['delete', name]);
}

test('a Python script runs in fork mode: listed with pid and mode, restarted after a crash, logged, gone after stop', async () => {
  const port = await freePort();
  const r = await sb.ok(['start', join(FORK, 'serves-http.py'), '--name', 'py', '--env', `PORT=${port}`]);
  expect(r.stdout).toMatch(/py/);
  const first = await waitFor(async () => {
    const a = await app('py');
    return a.workers[0]?.status === 'online' && a;
  });
  expect(first.spec.execMode).toBe('fork');
  const pid = first.workers[0]?.pid ?? -1;
  expect(pid).toBeGreaterThan(0);
  expect((await waitFor(() => httpGet(port).catch(() => null))).body).toContain(`python pid ${pid} instance 0`);
  const ls = await sb.ok(['ls']);
  expect(ls.stdout).toMatch(/│ py +│ 0 +│ \d+ +│ online .*│ fork +│/);
  expect((await sb.ok(['describe', 'py'])).stdout).toMatch(/exec mode +fork/);
  await httpGet(port, '/crash').catch(() => null);
  const second = await waitFor(async () => {
    const w = (await app('py')).workers.find((x) => x.instance === 0);
    return w && w.status === 'online' && w.pid !== pid && w.restarts >= 1 && w;
  });
  await waitFor(() => logOf('py', 'out').includes('python crashing on request'));
  expect(logOf('py', 'out')).toContain(`python listening on ${port} instance 0`);
  expect(logOf('py', 'err')).toContain('python stderr line');
  await stopAndDelete('py', [pid, second.pid ?? -1]);
});

test('a bash script with -i 2 runs two independent processes with NODE_APP_INSTANCE 0 and 1; stop reaches their children', async () => {
  await sb.ok(['start', join(FORK, 'prints-ticks.sh'), '-i', '2', '--name', 'ticks', '--min-uptime', '500']);
  const a = await waitFor(async () => {
    const x = await app('ticks');
    return x.workers.length === 2 && x.workers.every((w) => w.status === 'online') && x;
  });
  expect(a.spec.execMode).toBe('fork');
  const pids = a.workers.map((w) => w.pid ?? -1);
  await waitFor(() => logOf('ticks', 'out').includes('bash started instance 1'));
  expect(logOf('ticks', 'out')).toContain('bash started instance 0');
  expect(logOf('ticks', 'err')).toMatch(/bash stderr instance [01]/);
  // Each runs `sleep` children: those must go with it.
  const children = await waitFor(() => {
    const c = pids.flatMap((p) => descendantsOf(p));
    return c.length > 0 && c;
  });
  process.kill(pids[0] ?? -1, 'SIGKILL');
  const restarted = await waitFor(async () => {
    const w = (await app('ticks')).workers.find((x) => x.instance === 0);
    return w && w.status === 'online' && w.pid !== pids[0] && w;
  });
  await stopAndDelete('ticks', [...pids, restarted.pid ?? -1, ...children]);
});

test('script "npm", args "start": npm → sh → node starts, restarts after a crash, and stop leaves no grandchild', async () => {
  const port = await freePort();
  const dir = join(sb.home, 'npm-app');
  mkdirSync(dir);
  for (const f of ['package.json', 'server.js']) copyFileSync(join(FORK, 'npm-app', f), join(dir, f));
  await sb.ok([
    'start',
    'npm',
    '--name',
    'web',
    '--cwd',
    dir,
    '--env',
    `PORT=${port}`,
    '--ready-port',
    String(port),
    '--',
    'start',
  ]);
  const a = await waitFor(async () => {
    const x = await app('web');
    return x.workers[0]?.status === 'online' && x;
  });
  expect(a.spec.execMode).toBe('fork');
  const npmPid = a.workers[0]?.pid ?? -1;
  const body = (await httpGet(port)).body;
  const serverPid = Number(/pid (\d+)/.exec(body)?.[1]);
  // The server is npm's grandchild (npm → sh → node), or its child when npm execs node directly.
  expect(descendantsOf(npmPid)).toContain(serverPid);
  await httpGet(port, '/crash').catch(() => null);
  const again = await waitFor(async () => {
    const w = (await app('web')).workers.find((x) => x.instance === 0);
    return w && w.status === 'online' && w.pid !== npmPid && w;
  });
  const newServer = Number(/pid (\d+)/.exec((await waitFor(() => httpGet(port).catch(() => null))).body)?.[1]);
  await waitFor(() => logOf('web', 'out').includes(`npm server listening on ${port}`));
  expect(logOf('web', 'err')).toContain('npm server stderr line');
  await stopAndDelete('web', [npmPid, serverPid, again.pid ?? -1, newServer]);
});

test('a command that cannot be executed any more ends errored with "not found", after the restart policy', async () => {
  const script = join(sb.home, 'vanishes.sh');
  copyFileSync(join(FORK, 'runs-once-then-vanishes.sh'), script);
  await sb.cli([
    'start',
    script,
    '--interpreter',
    'none',
    '--name',
    'gone',
    '--max-restarts',
    '2',
    '--min-uptime',
    '1000',
  ]);
  const a = await waitFor(
    async () => {
      const x = await app('gone');
      return x.workers[0]?.status === 'errored' && x;
    },
    { timeoutMs: 30000 },
  );
  expect(a.workers[0]?.reason).toMatch(/not found/);
  expect(a.workers[0]?.reason).toMatch(/crash loop/);
  const restarts = a.workers[0]?.restarts ?? 0;
  expect(restarts).toBeLessThanOrEqual(3);
  // errored means no more attempts.
  const later = await app('gone');
  expect(later.workers[0]?.restarts).toBe(restarts);
});

test('bad input: a command that does not exist and an interpreter not installed are refused with one line, nothing registered', async () => {
  const missing = await sb.cli(['start', 'no-such-command-xyz']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  expect(missing.stderr).toMatch(/not found.*PATH/);
  const interp = await sb.cli(['start', join(FORK, 'serves-http.py'), '--interpreter', 'python-does-not-exist']);
  expect(interp.code).not.toBe(0);
  expect(interp.stderr).toMatch(/not installed/);
  const mode = await sb.cli(['start', join(FORK, 'prints-ticks.sh'), '--exec-mode', 'forky']);
  expect(mode.code).not.toBe(0);
  expect(mode.stderr).toMatch(/--exec-mode "forky"/);
  const url = await sb.cli(['start', join(FORK, 'prints-ticks.sh'), '--ready-url', 'not a url']);
  expect(url.code).not.toBe(0);
  expect(url.stderr).toMatch(/not a URL/);
  const ls = await sb.cli(['ls', '--json']);
  expect(ls.stdout.trim() === '' || (JSON.parse(ls.stdout) as unknown[]).length === 0).toBe(true);
});

test('kill -9 of the app primary: its fork-mode child (a session of its own) is ended, and the app answers again on its port', async () => {
  const port = await freePort();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'solo', '--exec-mode', 'fork', '--env', `PORT=${port}`]);
  const before = (await sb.list()).find((a) => a.name === 'solo') as (Listed & { primaryPid: number }) | undefined;
  const child = before?.workers[0]?.pid ?? -1;
  process.kill(before?.primaryPid ?? -1, 'SIGKILL');
  // Left running, the child would hold the port and every new one would fail EADDRINUSE.
  await allGone([child]);
  const after = await waitFor(
    async () => {
      const w = (await app('solo')).workers.find((x) => x.instance === 0);
      return w && w.status === 'online' && w.pid !== child && w;
    },
    { timeoutMs: 30000, what: 'solo online again with a new child' },
  );
  const body = JSON.parse((await httpGet(port)).body) as { pid: number };
  expect(body.pid).toBe(after.pid);
});
