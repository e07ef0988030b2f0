/**
 * The one spawn-and-connect loop (src/daemon/spawn-and-connect.ts) with real
 * processes: tiny `node -e` children spawned detached, as the daemon spawns a
 * primary, that listen on a Unix socket in a temp dir and answer with their
 * pid, exit 3 (the lock is held), exit 1, or never answer. What the loop
 * returns, when it spawns again, and its messages (exactly as the daemon's
 * callers word them) are checked; every child is killed after each test.
 */
import { createServer, connect as netConnect, type Server } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive } from '../../src/os/liveness';
import { spawnDetached, type DetachedProcess } from '../../src/os/spawn-detached';
import { ClusterctlError } from '../../src/protocol/errors';
import { PRIMARY_EXIT_LOCK_HELD as EXIT_LOCK_HELD } from '../../src/protocol/api';
import { exitWords, spawnAndConnect, type SpawnAndConnect } from '../../src/daemon/spawn-and-connect';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

jest.setTimeout(20000);

const dir = useTempDir('spawn-connect-');
const socketPath = (): string => join(dir(), 'control.sock');
const logPath = (): string => join(dir(), 'child.log');

/** Listens on argv[1] and tells each caller its pid. */
const LISTENER = `require('net').createServer((c) => c.end(process.pid + '\\n')).listen(process.argv[1]);`;
const LOCK_HELD = `console.error('lock held by another'); process.exit(${EXIT_LOCK_HELD});`;
const CRASH = `console.error('boom: cannot start'); process.exit(1);`;
const SILENT = `console.log('starting, never listening'); setInterval(() => undefined, 1000);`;

let children: DetachedProcess[] = [];
let servers: Server[] = [];

afterEach(async () => {
  for (const child of children) {
    if (child.pid === undefined) continue;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  const pids = children.flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  children = [];
  for (const server of servers) server.close();
  servers = [];
  await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), { timeoutMs: 5000, what: 'every child gone' });
});

function spawnNode(script: string): DetachedProcess {
  const child = spawnDetached(process.execPath, ['-e', script, socketPath()], {
    logPath: logPath(),
    env: { PATH: process.env.PATH },
    cwd: dir(),
  });
  children.push(child);
  return child;
}

interface Answer {
  pid: number;
  close(): void;
}

/** Connects and reads the pid line whoever listens there writes. */
function connectPid(socket: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const s = netConnect(socket);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no pid within ${timeoutMs} ms`));
    }, timeoutMs);
    let text = '';
    s.on('data', (chunk) => {
      text += chunk.toString();
      if (!text.includes('\n')) return;
      clearTimeout(timer);
      resolve({ pid: Number(text.split('\n')[0]), close: () => s.destroy() });
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Like an app's own primary: spawned first, must be the one that answers, exit 3 is a failure. */
function ownLike(scripts: string[], extra: Partial<SpawnAndConnect<Answer>> = {}): SpawnAndConnect<Answer> {
  return {
    what: 'the test primary',
    socketPath: socketPath(),
    logPath: logPath(),
    spawn: () => spawnNode(scripts[Math.min(spawned(), scripts.length - 1)]),
    takeRunning: false,
    connect: connectPid,
    refuse: (handle, child) =>
      handle.pid === child?.pid ? null : `socket answered by pid ${handle.pid}, not ${child?.pid}`,
    exitMeans: (ended) => (ended.code === EXIT_LOCK_HELD ? 'another one runs' : exitWords(ended)),
    logHint: 'tail',
    ...extra,
  };
}

/** Like a group's host: whoever answers is taken, exit 3 is a lost race. */
function hostLike(scripts: string[], extra: Partial<SpawnAndConnect<Answer>> = {}): SpawnAndConnect<Answer> {
  return ownLike(scripts, {
    takeRunning: true,
    refuse: () => null,
    exitMeans: (ended) => (ended.code === EXIT_LOCK_HELD ? null : exitWords(ended)),
    logHint: 'path',
    ...extra,
  });
}

const spawned = (): number => children.length;

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => new Error('it resolved'),
    (e: unknown) => e,
  );
  if (!(err instanceof ClusterctlError)) throw err;
  return { code: err.code, message: err.message };
}

/** A server of this test process on the socket: "someone else" answering. */
async function listenHere(): Promise<void> {
  const server = createServer((c) => c.end(`${process.pid}\n`));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath(), resolve));
}

test('the spawned child is returned once it listens, checked by its pid', async () => {
  const handle = await spawnAndConnect(ownLike([LISTENER]));
  handle.close();
  expect([handle.pid, spawned()]).toEqual([children[0].pid, 1]);
});

test('exit 3 of an own-like child is a failure, with the tail of its log', async () => {
  const err = await failure(spawnAndConnect(ownLike([LOCK_HELD])));
  expect(err).toEqual({
    code: 'E_START_FAILED',
    message: 'the test primary did not start: another one runs\nlock held by another',
  });
  expect(spawned()).toBe(1);
});

test('another exit says its code and the tail of its log', async () => {
  const err = await failure(spawnAndConnect(hostLike([CRASH])));
  expect(err).toEqual({
    code: 'E_START_FAILED',
    message: 'the test primary did not start: it exited (code 1)\nboom: cannot start',
  });
});

test('a spawn that cannot run says the spawn error', async () => {
  const missing = join(dir(), 'no-such-node');
  const spawnMissing = (): DetachedProcess => {
    const child = spawnDetached(missing, [], { logPath: logPath(), env: {}, cwd: dir() });
    children.push(child);
    return child;
  };
  const err = await failure(spawnAndConnect(ownLike([], { spawn: spawnMissing })));
  expect(err).toEqual({
    code: 'E_START_FAILED',
    message: `the test primary did not start: it exited (spawn ${missing} ENOENT)`,
  });
});

test('a host-like lost race (exit 3) spawns again and takes whoever then answers', async () => {
  const handle = await spawnAndConnect(hostLike([LOCK_HELD, LISTENER], { deadlineMs: 15000 }));
  handle.close();
  expect(spawned()).toBe(2);
  expect(children[0].exited()?.code).toBe(EXIT_LOCK_HELD);
  expect(handle.pid).toBe(children[1].pid);
});

test('host-like: one already answering is taken without a spawn', async () => {
  await listenHere();
  const handle = await spawnAndConnect(hostLike([LISTENER]));
  handle.close();
  expect([handle.pid, spawned()]).toEqual([process.pid, 0]);
});

test('someone else answering is refused until the deadline; the child is killed; the message says why', async () => {
  await listenHere();
  const err = await failure(spawnAndConnect(ownLike([SILENT], { deadlineMs: 400 })));
  const child = children[0];
  expect(err).toEqual({
    code: 'E_START_FAILED',
    message: expect.stringMatching(
      new RegExp(
        `^the test primary did not answer within 400 ms \\(socket answered by pid ${process.pid}, not ${child.pid}\\)`,
      ),
    ) as unknown,
  });
  await waitFor(() => !isProcessAlive(child.pid as number), { timeoutMs: 5000, what: 'the child killed' });
});

test('nobody answering: the timeout points to the log by its path when asked to', async () => {
  const err = await failure(spawnAndConnect(hostLike([SILENT], { deadlineMs: 300 })));
  expect(err.code).toBe('E_START_FAILED');
  expect(err.message).toMatch(/^the test primary did not answer within 300 ms \(.*ENOENT.*\); see /);
  expect(err.message.endsWith(`; see ${logPath()}`)).toBe(true);
  const child = children[0];
  await waitFor(() => !isProcessAlive(child.pid as number), { timeoutMs: 5000, what: 'the child killed' });
});
