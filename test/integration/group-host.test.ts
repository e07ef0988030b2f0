/**
 * A primary group host driven directly, as the daemon drives it: a real
 * `node dist/primary/main.js --group g` in its own session, GroupApi on its
 * socket, PrimaryApi on each hosted app's socket, real workers of
 * fixtures/hello.js answering HTTP on 127.0.0.1. Two apps share the one
 * node:cluster primary and stay apart: each answers on its own port, a
 * second app on a port the first serves is refused (and the first keeps
 * every connection), a spec the host cannot run is refused with
 * E_GROUP_CONFLICT, and stopping the last app ends the host.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { defaultSpec } from '../../src/config/defaults';
import { processesInSession } from '../../src/os/liveness';
import type { PrimaryApi, PrimaryStatus } from '../../src/protocol/api';
import type { GroupApi } from '../../src/protocol/group-api';
import type { ErrorCode } from '../../src/protocol/errors';
import { groupLockName, groupSocketPath, primarySocketPath } from '../../src/protocol/paths';
import { RpcConnection, TypedRpc } from '../../src/protocol/rpc-client';
import type { AppSpec } from '../../src/protocol/types';
import { PROTOCOL_VERSION, packageVersion } from '../../src/protocol/version';
import { freePort, httpGet } from '../helpers/net';
import { isAlive, killAll, listeningPorts } from '../helpers/proc';
import { FIXTURES, ROOT } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

jest.setTimeout(90000);

const MAIN = join(ROOT, 'dist', 'primary', 'main.js');
const HELLO = { protocol: PROTOCOL_VERSION, version: packageVersion() };
const home = useTempDir('group-');

interface Started {
  pid: number;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Every process a test started, the host's session included: killed after each test, pass or fail. */
const started: Started[] = [];
const connections: RpcConnection[] = [];

function startPrimary(args: string[]): Started {
  const child = spawn(process.execPath, [MAIN, '--home', home(), ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const s = { pid: child.pid ?? -1, exited, stderr: () => err };
  started.push(s);
  return s;
}

afterEach(() => {
  for (const c of connections.splice(0)) c.close();
  for (const s of started.splice(0)) killAll([...processesInSession(s.pid), s.pid]);
});

async function connectTo(path: string): Promise<RpcConnection> {
  const conn = await waitFor(() => existsSync(path) && RpcConnection.connect(path, { peer: path }), {
    what: `a socket at ${path}`,
  });
  connections.push(conn);
  return conn;
}

const appRpc = async (path: string): Promise<TypedRpc<PrimaryApi>> => new TypedRpc<PrimaryApi>(await connectTo(path));

async function startHost(name = 'g'): Promise<{ host: Started; group: TypedRpc<GroupApi> }> {
  const host = startPrimary(['--group', name]);
  return { host, group: new TypedRpc<GroupApi>(await connectTo(groupSocketPath(home(), name))) };
}

function spec(name: string, port: number, extra: Partial<AppSpec> = {}): AppSpec {
  const base = defaultSpec(home(), name, join(FIXTURES, 'hello.js'), FIXTURES, { PORT: String(port) });
  return { ...base, instances: 2, primaryGroup: 'g', ...extra };
}

/** `host` then `init`: the app's PrimaryApi connection and its status once every worker is online. */
async function hostApp(
  group: TypedRpc<GroupApi>,
  s: AppSpec,
): Promise<{ app: TypedRpc<PrimaryApi>; status: PrimaryStatus }> {
  const { socket } = await group.call('host', { name: s.name });
  const app = await appRpc(socket);
  return { app, status: await app.call('init', { spec: s }) };
}

async function refusal(p: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const err = (await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  )) as { code: ErrorCode; message: string };
  return { code: err.code, message: err.message };
}

const workerPids = (s: PrimaryStatus): number[] => s.workers.map((w) => w.pid).filter((p): p is number => p !== null);

/** `count` fresh connections to `port`: the pid of the worker that answered each. */
async function answeringPids(port: number, count: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < count; i++) pids.add((JSON.parse((await httpGet(port)).body) as { pid: number }).pid);
  return pids;
}

function gone(pid: number): boolean {
  return !isAlive(pid);
}

test('two apps in one host: each answers on its port, both report the host and the group', async () => {
  const { host, group } = await startHost();
  const [pa, pb] = [await freePort(), await freePort()];
  const a = await hostApp(group, spec('a', pa));
  const b = await hostApp(group, spec('b', pb));
  expect([a.status.pid, b.status.pid]).toEqual([host.pid, host.pid]);
  expect([a.status.group, b.status.group]).toEqual(['g', 'g']);
  expect((await b.app.call('hello', HELLO)).group).toBe('g');
  expect(a.status.workers.map((w) => w.status)).toEqual(['online', 'online']);
  expect([...(await answeringPids(pa, 8))].every((p) => workerPids(a.status).includes(p))).toBe(true);
  expect([...(await answeringPids(pb, 8))].every((p) => workerPids(b.status).includes(p))).toBe(true);
  const hello = await group.call('hello', HELLO);
  expect(hello).toMatchObject({ pid: host.pid, group: 'g', interpreter: process.execPath, scheduling: 'rr' });
  expect([...hello.apps].sort()).toEqual(['a', 'b']);
  // `host` of an app already hosted answers the same socket, nothing restarts.
  expect(await group.call('host', { name: 'a' })).toEqual({ socket: primarySocketPath(home(), 'a') });
  expect(workerPids(await a.app.call('status', {}))).toEqual(workerPids(a.status));
  // Each app's events in its own primary log, with the group; the host's own events in the group's log.
  const records = readFileSync(join(home(), 'logs', 'b-primary.log'), 'utf8')
    .trim()
    .split('\n');
  expect(records.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
    expect.objectContaining({ app: 'b', group: 'g', primaryPid: host.pid, msg: 'initialising' }),
  );
  expect(readFileSync(join(home(), 'logs', 'groups', 'g.log'), 'utf8')).toMatch(/"msg":"hosting app".*"app":"b"/);
});

test("each app's metrics come from its own workers only", async () => {
  const { group } = await startHost();
  const counter = spec('counter', await freePort(), { script: join(FIXTURES, 'prom-counter.js') });
  const a = await hostApp(group, counter);
  const b = await hostApp(group, spec('b', await freePort(), { instances: 1 }));
  const ofA = await a.app.call('metrics', { timeoutMs: 3000 });
  expect([ofA.workers.length, ofA.missing]).toEqual([2, 0]);
  expect(ofA.workers[0]?.map((f) => f.name)).toContain('fixture_requests_total');
  expect(await b.app.call('metrics', { timeoutMs: 3000 })).toEqual({ workers: [], missing: 0 });
});

test('a reload of a hosted app onto a port another app serves fails; its old workers keep serving', async () => {
  const { group } = await startHost();
  const [pa, pb] = [await freePort(), await freePort()];
  await hostApp(group, spec('a', pa));
  const b = await hostApp(group, spec('b', pb));
  const err = await refusal(b.app.call('reload', { spec: spec('b', pa), parallel: 1 }));
  expect(err.code).toBe('E_RELOAD_FAILED');
  expect(err.message).toMatch(`port ${pa} is already served by app a of primary group g`);
  const after = await b.app.call('status', {});
  expect(workerPids(after).sort()).toEqual(workerPids(b.status).sort());
  expect([...(await answeringPids(pb, 6))].every((p) => workerPids(b.status).includes(p))).toBe(true);
});

test.each([
  ['the same port', false],
  ['port 0 (node:cluster would hand out the same port)', true],
])('a second app on %s is refused; the first keeps every connection', async (_what, zero) => {
  const { host, group } = await startHost();
  const port = zero ? 0 : await freePort();
  const a = await hostApp(group, spec('a', port));
  // Round-robin: the host holds the listening socket.
  const served = listeningPorts(host.pid)[0] ?? -1;
  const shown = zero ? 'a port chosen by the system \\(0\\)' : `port ${port}`;
  const { socket } = await group.call('host', { name: 'b' });
  const b = await appRpc(socket);
  const err = await refusal(b.call('init', { spec: spec('b', port) }));
  expect(err.code).toBe('E_GROUP_CONFLICT');
  expect(err.message).toMatch(
    new RegExp(
      `${shown} is already served by app a of primary group g: give b another port or its own primary \\(drop --primary-group\\)`,
    ),
  );
  if (!zero) expect(served).toBe(port);
  const pids = await answeringPids(served, 30);
  expect([...pids].every((p) => workerPids(a.status).includes(p))).toBe(true);
  expect(pids.size).toBe(2);
  await b.call('stop', {});
  expect(workerPids(await a.app.call('status', {}))).toEqual(workerPids(a.status));
});

test('a spec the host cannot run is refused with E_GROUP_CONFLICT, and nothing else changes', async () => {
  const { group } = await startHost();
  const port = await freePort();
  const a = await hostApp(group, spec('a', port));
  const cases: Array<[string, Partial<AppSpec>, RegExp]> = [
    ['c1', { scheduling: 'none' }, /asks for scheduling none, but primary group g balances connections with rr/],
    ['c2', { primaryGroup: 'other' }, /asks for primary group other, but this is the host of primary group g/],
    ['c3', { primaryGroup: null }, /asks for no primary group, but this is the host of primary group g/],
    ['c4', { interpreter: '/bin/sh' }, /runs on \/bin\/sh, but primary group g runs on /],
  ];
  for (const [name, extra, message] of cases) {
    const { socket } = await group.call('host', { name });
    const c = await appRpc(socket);
    const err = await refusal(c.call('init', { spec: spec(name, await freePort(), extra) }));
    expect([name, err.code]).toEqual([name, 'E_GROUP_CONFLICT']);
    expect(err.message).toMatch(message);
    const after = await c.call('status', {});
    expect([after.initialised, after.workers]).toEqual([false, []]);
    await c.call('stop', {});
    await waitFor(() => !existsSync(socket), { what: `${name}'s socket to go` });
  }
  expect((await group.call('hello', HELLO)).apps).toEqual(['a']);
  expect(workerPids(await a.app.call('status', {}))).toEqual(workerPids(a.status));
  expect((await httpGet(port)).status).toBe(200);
});

test('stop of one app closes only its socket; stop of the last ends the host, its socket and its lock', async () => {
  const { host, group } = await startHost();
  const [pa, pb] = [await freePort(), await freePort()];
  const a = await hostApp(group, spec('a', pa));
  const b = await hostApp(group, spec('b', pb));
  const stopped = await a.app.call('stop', {});
  expect(stopped.workers.map((w) => w.status)).toEqual(['stopped', 'stopped']);
  await waitFor(() => !existsSync(primarySocketPath(home(), 'a')), { what: "a's socket to go" });
  expect(workerPids(a.status).filter((p) => !gone(p))).toEqual([]);
  expect((await group.call('hello', HELLO)).apps).toEqual(['b']);
  expect((await httpGet(pb)).status).toBe(200);
  expect(isAlive(host.pid)).toBe(true);
  // a is free again: a fresh `host` and `init` serve it in the same host.
  const again = await hostApp(group, spec('a', pa));
  expect(again.status.pid).toBe(host.pid);
  await again.app.call('stop', {});

  await b.app.call('stop', {});
  expect(await host.exited).toBe(0);
  expect(existsSync(groupSocketPath(home(), 'g'))).toBe(false);
  expect(existsSync(primarySocketPath(home(), 'b'))).toBe(false);
  expect(processesInSession(host.pid)).toEqual([]);
  expect([...workerPids(b.status), ...workerPids(again.status)].filter((p) => !gone(p))).toEqual([]);
  await expect(lockHeld()).resolves.toBe(false);
});

/** Whether something still listens on the group's abstract lock socket. */
function lockHeld(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(groupLockName(home(), 'g'));
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('`host` of an app that is stopping waits for the stop, then hosts it afresh; the host stays up meanwhile', async () => {
  const { host, group } = await startHost();
  const slow = spec('slow', await freePort(), {
    script: join(FIXTURES, 'ignores-sigint.js'),
    instances: 1,
    killTimeout: 1500,
  });
  const first = await hostApp(group, slow);
  const watcher = await appRpc(primarySocketPath(home(), 'slow'));
  const stopping = first.app.call('stop', {});
  await waitFor(async () => (await watcher.call('status', {})).workers[0]?.status === 'stopping', {
    what: 'the worker to be stopping',
  });
  const { socket } = await group.call('host', { name: 'slow' });
  expect((await stopping).workers.map((w) => w.status)).toEqual(['stopped']);
  const fresh = await appRpc(socket);
  const status = await fresh.call('status', {});
  expect([status.pid, status.initialised, isAlive(host.pid)]).toEqual([host.pid, false, true]);
  expect(workerPids(first.status).filter((p) => !gone(p))).toEqual([]);
  await fresh.call('stop', {});
  expect(await host.exited).toBe(0);
});

test('SIGTERM stops every hosted app and exits 0; a second host of the group exits 3', async () => {
  const { host, group } = await startHost();
  expect(await lockHeld()).toBe(true);
  const second = startPrimary(['--group', 'g']);
  expect(await second.exited).toBe(3);
  expect(second.stderr()).toBe('another host already runs group g\n');
  const a = await hostApp(group, spec('a', await freePort()));
  const b = await hostApp(group, spec('b', await freePort(), { execMode: 'fork', instances: 1 }));
  const workers = [...workerPids(a.status), ...workerPids(b.status)];
  expect(workers).toHaveLength(3);
  process.kill(host.pid, 'SIGTERM');
  expect(await host.exited).toBe(0);
  expect(workers.filter((p) => !gone(p))).toEqual([]);
  expect(processesInSession(host.pid)).toEqual([]);
});

test('`host` of a name that is not an app name is refused with E_BAD_NAME', async () => {
  const { group } = await startHost();
  for (const name of ['', 'a/b', 'tab\there']) {
    const err = await refusal(group.call('host', { name }));
    expect([name, err.code]).toEqual([name, 'E_BAD_NAME']);
  }
  expect((await group.call('hello', HELLO)).apps).toEqual([]);
});

test('an app with no init in 30 s leaves the host, which then exits; a host that never hosts exits too', async () => {
  const { host, group } = await startHost();
  const { socket } = await group.call('host', { name: 'idle' });
  const idle = await startHost('g2');
  const t0 = Date.now();
  expect(await Promise.all([host.exited, idle.host.exited])).toEqual([0, 0]);
  expect(Date.now() - t0).toBeGreaterThan(25000);
  expect([existsSync(socket), existsSync(groupSocketPath(home(), 'g2'))]).toEqual([false, false]);
  expect(readFileSync(join(home(), 'logs', 'idle-primary.log'), 'utf8')).toMatch(
    /"msg":"no init received; leaving the group host"/,
  );
}, 60000);

test('a primary of its own still answers with group null', async () => {
  mkdirSync(join(home(), 'run'), { mode: 0o700 }); // the daemon's to create, for an own primary
  const own = startPrimary(['--name', 'solo']);
  const app = await appRpc(primarySocketPath(home(), 'solo'));
  const status = await app.call('hello', HELLO);
  expect([status.pid, status.group, status.initialised]).toEqual([own.pid, null, false]);
  // The app's lock is held by its own primary: a host cannot take the app.
  const { group } = await startHost();
  const err = await refusal(group.call('host', { name: 'solo' }));
  expect(err).toEqual({ code: 'E_START_FAILED', message: 'another app primary already runs solo' });
  expect((await group.call('hello', HELLO)).apps).toEqual([]);
  // The refused host never held solo's lock, so solo's socket is still there and answers.
  const again = await appRpc(primarySocketPath(home(), 'solo'));
  expect((await again.call('hello', HELLO)).pid).toBe(own.pid);
  await app.call('stop', {});
  expect(await own.exited).toBe(0);
});
