/**
 * `clusterctl run` as the init process of a new PID namespace, as in a
 * container (`unshare --pid --fork --mount-proc`, which needs root, as CI
 * has). The signal comes from outside, to the namespace's PID 1 as the host
 * sees it (unshare's child), as `docker stop` sends it.
 *
 * Without tini on PATH run itself is PID 1: it warns once that orphans will
 * not be reaped, serves, answers `ls` through its socket, and on SIGTERM
 * under load drains (no failed request), stops both workers and exits 0.
 * With tini on PATH, PID 1 is a thin run process that has handed over to
 * `tini -s -g -- clusterctl run ...` (tini its child, the real run tini's
 * child): orphans the workers leave are reaped, none stays a zombie.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startLoad } from '../helpers/load';
import { freePort, httpGet } from '../helpers/net';
import { cmdline, descendants, killTree, onlyChild, startRun, type RunningRun } from '../helpers/runner';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

jest.setTimeout(90000);

const KILL_TIMEOUT_MS = 3000;
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

let sb: Sandbox;
let run: RunningRun | null = null;

beforeEach(() => {
  sb = createSandbox('run1-');
});
afterEach(async () => {
  killTree(run?.child.pid);
  run = null;
  await sb.cleanup();
});

async function onlinePids(n: number): Promise<number[]> {
  let seen = '';
  await socketServed();
  return waitFor(
    async () => {
      const apps = await sb.list();
      seen = JSON.stringify(apps[0]?.workers);
      const up = (apps[0]?.workers ?? []).filter((w) => w.status === 'online');
      return up.length === n ? up.map((w) => w.pid as number) : null;
    },
    { what: `${n} workers online`, timeoutMs: 30000 },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\nworkers: ${seen}\nstdout: ${run?.out() ?? ''}\nstderr: ${run?.err() ?? ''}`);
  });
}

/** Before any CLI call: a CLI finding no socket would start a daemon of its own in this home. */
async function socketServed(): Promise<void> {
  await waitFor(() => existsSync(join(sb.home, 'daemon.sock')), { what: 'run serving daemon.sock' });
}

function emptyPathDir(): string {
  const dir = join(sb.home, 'empty-path');
  mkdirSync(dir, { recursive: true });
  return dir;
}

asRoot('clusterctl run as PID 1 of a PID namespace', () => {
  it('without tini: run is PID 1, warns once, serves, answers ls, and SIGTERM under load drains and exits 0', async () => {
    const port = await freePort();
    run = startRun(
      [join(FIXTURES, 'hello.js'), '-i', '2', '--kill-timeout', String(KILL_TIMEOUT_MS), '--env', `PORT=${port}`],
      { ...sb.env, PATH: emptyPathDir() },
      { unshare: true },
    );
    const init = await onlyChild(run.child.pid as number);
    const workers = await onlinePids(2);
    expect(cmdline(init)).toMatch(/bin\/clusterctl run /);
    expect(run.err().match(/running as PID 1 without tini/g)).toHaveLength(1);
    expect((await httpGet(port)).status).toBe(200);

    const load = startLoad(port, { keepAlive: true, connections: 8, maxSeconds: 30 });
    // Requests in flight when the signal lands: wait until the load has really started.
    await waitFor(async () => (await httpGet(port)).status === 200);
    const sent = Date.now();
    process.kill(init, 'SIGTERM');
    const exit = await run.exitWithin(KILL_TIMEOUT_MS * 2 + 10000);
    const result = await load.stop();
    expect(exit.code).toBe(0);
    expect(exit.at - sent).toBeLessThan(KILL_TIMEOUT_MS + 1000);
    expect(result.requests).toBeGreaterThan(0);
    // Once the servers close, new connections are refused (or reset in the listen backlog,
    // never accepted); no request on a connection being served may fail.
    expect(result.non2xx).toBe(0);
    const stopping = ['ECONNREFUSED', 'ECONNRESET before accept', 'EOF before accept'];
    expect(Object.keys(result.errorKinds).filter((k) => !stopping.includes(k))).toEqual([]);
    const left = descendants(run.child.pid as number).map((p) => p.pid);
    for (const pid of workers) expect(left).not.toContain(pid);
    expect(run.err().match(/running as PID 1 without tini/g)).toHaveLength(1);
  });

  it('with tini on PATH: orphans of the workers are reaped, and SIGTERM still stops it with 0', async () => {
    const port = await freePort();
    run = startRun(
      [join(FIXTURES, 'leaves-orphans.js'), '-i', '2', '--env', `PORT=${port}`, '--env', 'ORPHANS=4'],
      sb.env,
      { unshare: true },
    );
    const init = await onlyChild(run.child.pid as number);
    await onlinePids(2);
    const tini = await onlyChild(init);
    expect(cmdline(tini)).toMatch(/tini -s -g -- /);
    expect(run.err()).not.toMatch(/without tini/);
    // Each worker made 4 orphans that exit after 0.5 s: after a few seconds none may be left as a zombie.
    const root = run.child.pid as number;
    await waitFor(
      () => {
        const tree = descendants(root);
        return !tree.some((p) => p.state === 'Z' || cmdline(p.pid).startsWith('sleep'));
      },
      { what: 'no zombie left in the namespace', timeoutMs: 10000 },
    );
    expect((await sb.list())[0]?.workers.map((w) => w.status)).toEqual(['online', 'online']);
    process.kill(init, 'SIGTERM');
    expect((await run.exitWithin(20000)).code).toBe(0);
  });

  it('without tini, the same orphans stay zombies (what the warning is about)', async () => {
    const port = await freePort();
    run = startRun(
      [join(FIXTURES, 'leaves-orphans.js'), '--env', `PORT=${port}`, '--env', 'ORPHANS=2'],
      { ...sb.env, PATH: emptyPathDir() },
      { unshare: true },
    );
    await onlinePids(1);
    const root = run.child.pid as number;
    await waitFor(() => descendants(root).filter((p) => p.state === 'Z').length >= 2, {
      what: 'two zombies under a PID 1 that cannot reap',
      timeoutMs: 10000,
    });
    process.kill(await onlyChild(root), 'SIGTERM');
    expect((await run.exitWithin(20000)).code).toBe(0);
  });
});
