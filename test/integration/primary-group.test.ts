/**
 * `--primary-group` through the real binary: apps of one group share one
 * host process (the node:cluster primary of all of them), each answers on
 * its own port, a reload of one leaves the others alone, the host's crash
 * brings every app back in one new host, a new daemon adopts them, an app
 * moves in and out with `restart`, the refusals change nothing, and
 * `save` + `resurrect` keep the group. A fork-mode child leads its own
 * session: the daemon ends it when its primary died (revival.ts).
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from '../../src/client/client';
import { defaultSpec } from '../../src/config/defaults';
import { ClusterctlError } from '../../src/protocol/errors';
import type { PrimaryApi } from '../../src/protocol/api';
import { groupLockName, groupLogPath, primarySocketPath } from '../../src/protocol/paths';
import { RpcConnection, TypedRpc } from '../../src/protocol/rpc-client';
import { startLoad } from '../helpers/load';
import { freePort, httpGet } from '../helpers/net';
import { isAlive, processesOfHome } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

const HELLO = join(FIXTURES, 'hello.js');
// Three apps, five workers, started and restarted several times on a loaded machine.
jest.setTimeout(180000);

interface App {
  name: string;
  status: string;
  primaryPid: number | null;
  spec: { primaryGroup: string | null };
  workers: Array<{ instance: number; pid: number | null; status: string; restarts: number }>;
}

let sb: Sandbox;
let ports: { web: number; api: number; job: number };

beforeEach(async () => {
  sb = createSandbox('group-');
  ports = { web: await freePort(), api: await freePort(), job: await freePort() };
});

afterEach(async () => {
  await sb.cleanup();
});

async function apps(): Promise<App[]> {
  return (await sb.list()) as unknown as App[];
}

async function app(name: string): Promise<App> {
  const found = (await apps()).find((a) => a.name === name);
  if (!found) throw new Error(`no app ${name}`);
  return found;
}

/** Two cluster apps on their own ports and one fork-mode app, all in group `g`. */
async function startThree(group = 'g'): Promise<void> {
  await sb.ok(['start', HELLO, '--name', 'web', '-i', '2', '--primary-group', group, '--env', `PORT=${ports.web}`]);
  await sb.ok(['start', HELLO, '--name', 'api', '-i', '2', '--primary-group', group, '--env', `PORT=${ports.api}`]);
  await sb.ok([
    'start',
    HELLO,
    '--name',
    'job',
    '--exec-mode',
    'fork',
    '--primary-group',
    group,
    '--env',
    `PORT=${ports.job}`,
  ]);
}

async function answers(port: number): Promise<number> {
  const r = await httpGet(port, '/', 3000);
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { pid: number }).pid;
}

async function allAnswer(): Promise<void> {
  for (const port of Object.values(ports)) await answers(port);
}

/** The one pid every app of the group reports, once all are online. */
async function sharedHost(names = ['web', 'api', 'job']): Promise<number> {
  return waitFor(
    async () => {
      const list = (await apps()).filter((a) => names.includes(a.name));
      const pids = new Set(list.map((a) => a.primaryPid));
      const online = list.every((a) => a.status === 'online' && a.workers.every((w) => w.status === 'online'));
      const [pid] = [...pids];
      return list.length === names.length && online && pids.size === 1 && typeof pid === 'number' ? pid : null;
    },
    { timeoutMs: 30000, what: `${names.join(', ')} online in one host` },
  );
}

function workerPids(list: App[], name: string): Array<number | null> {
  return list.find((a) => a.name === name)?.workers.map((w) => w.pid) ?? [];
}

/** `ls --json` without the sampled figures (cpu, memory, uptime move between two calls). */
async function stableList(): Promise<unknown> {
  const r = await sb.ok(['ls', '--json']);
  return JSON.parse(r.stdout, (key, value: unknown) =>
    key === 'cpu' || key === 'memory' || key === 'uptime' ? undefined : value,
  ) as unknown;
}

function daemonPid(): number {
  return Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
}

function groupSocket(group: string): string {
  return join(sb.home, 'run', 'groups', `${group}.sock`);
}

test('three apps share one host; a reload of one under load fails nothing and leaves the others alone; stop and delete', async () => {
  await startThree();
  const host = await sharedHost();
  await allAnswer();
  const list = await apps();
  expect(list.map((a) => [a.name, a.spec.primaryGroup])).toEqual([
    ['web', 'g'],
    ['api', 'g'],
    ['job', 'g'],
  ]);
  const describe = await sb.ok(['describe', 'web']);
  expect(describe.stdout).toMatch(new RegExp(`^primary group +g \\(pid ${host}, 3 apps\\)$`, 'm'));

  const load = startLoad(ports.web, { keepAlive: true, connections: 10, maxSeconds: 60 });
  await waitFor(async () => (await httpGet(ports.web)).status === 200, { what: 'web answering' });
  await sb.ok(['reload', 'web']);
  const result = await load.stop();
  expect(result.requests).toBeGreaterThan(50);
  expect({ non2xx: result.non2xx, errors: result.errors, kinds: result.errorKinds }).toEqual({
    non2xx: 0,
    errors: 0,
    kinds: {},
  });
  const reloaded = await apps();
  expect(workerPids(reloaded, 'api')).toEqual(workerPids(list, 'api'));
  expect(workerPids(reloaded, 'job')).toEqual(workerPids(list, 'job'));
  expect(workerPids(reloaded, 'web').some((p) => workerPids(list, 'web').includes(p))).toBe(false);
  expect(await sharedHost()).toBe(host);

  await sb.ok(['stop', 'web']);
  await expect(httpGet(ports.web, '/', 1000)).rejects.toThrow();
  await answers(ports.api);
  await answers(ports.job);
  expect(isAlive(host)).toBe(true);
  expect(existsSync(join(sb.home, 'run', 'web.sock'))).toBe(false);

  await sb.ok(['delete', 'all']);
  await waitFor(() => !isAlive(host), { timeoutMs: 15000, what: 'the host to exit' });
  expect(processesOfHome(sb.home).filter((p) => p !== daemonPid())).toEqual([]);
  expect(existsSync(groupSocket('g'))).toBe(false);
});

test('kill -9 of the host brings every app back in one new host; kill -9 of the daemon: the new one adopts them', async () => {
  await startThree();
  const host = await sharedHost();
  const [forkChild] = workerPids(await apps(), 'job');
  process.kill(host, 'SIGKILL');
  await waitFor(() => !isAlive(host), { timeoutMs: 10000, what: 'the host to die' });
  const next = await waitFor(
    async () => {
      const pid = await sharedHost();
      return pid !== host ? pid : null;
    },
    { timeoutMs: 40000, what: 'one new host for all three' },
  );
  await allAnswer();
  // The fork-mode child led its own session: the daemon ended it before job started again (it held job's port).
  expect(isAlive(forkChild ?? 0)).toBe(false);

  const before = await apps();
  const daemon = daemonPid();
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => !isAlive(daemon), { timeoutMs: 10000, what: 'the daemon to die' });
  const after = await apps();
  expect(daemonPid()).not.toBe(daemon);
  expect(after.map((a) => [a.name, a.primaryPid, a.workers.map((w) => w.pid)])).toEqual(
    before.map((a) => [a.name, next, a.workers.map((w) => w.pid)]),
  );
  await allAnswer();
});

test('an app whose socket closes while its host lives is revived in that host; the other apps keep their workers', async () => {
  await startThree();
  const host = await sharedHost();
  const before = await apps();
  // Stopped behind the daemon's back: the host ends web and closes its socket, and runs on for api and job.
  const rpc = new TypedRpc<PrimaryApi>(
    await RpcConnection.connect(primarySocketPath(sb.home, 'web'), { peer: 'web', timeoutMs: 5000 }),
  );
  try {
    await rpc.call('stop', {}, { timeoutMs: 30000 });
  } finally {
    rpc.close();
  }
  const old = workerPids(before, 'web');
  const revived = await waitFor(
    async () => {
      const web = await app('web');
      const fresh = web.workers.every((w) => w.status === 'online' && w.pid !== null && !old.includes(w.pid));
      return web.status === 'online' && web.workers.length === old.length && fresh ? web : null;
    },
    { timeoutMs: 40000, what: 'web revived with new workers' },
  );
  expect(revived.primaryPid).toBe(host);
  expect(isAlive(host)).toBe(true);
  // Its workers had stopped on that request before the socket closed: a start again, counts kept, not a crash.
  const restarts = (a: App | undefined): number[] => (a?.workers ?? []).map((w) => w.restarts);
  expect(restarts(revived)).toEqual(restarts(before.find((a) => a.name === 'web')));
  const now = await apps();
  for (const name of ['api', 'job']) expect(workerPids(now, name)).toEqual(workerPids(before, name));
  await allAnswer();
});

test('restart --primary-group / --no-primary-group moves one app; the others keep their workers', async () => {
  await startThree();
  const host = await sharedHost();
  const before = await apps();

  await sb.ok(['restart', 'job', '--primary-group', 'other']);
  const moved = await app('job');
  expect(moved.spec.primaryGroup).toBe('other');
  // A move replaces the workers: one restart each, as a `restart` in place counts it.
  const restarts = (a: App | undefined): number[] => (a?.workers ?? []).map((w) => w.restarts);
  expect(restarts(moved)).toEqual(restarts(before.find((a) => a.name === 'job')).map((n) => n + 1));
  expect(moved.primaryPid).not.toBe(host);
  expect(await sharedHost(['web', 'api'])).toBe(host);

  await sb.ok(['restart', 'api', '--no-primary-group']);
  const own = await app('api');
  expect(own.spec.primaryGroup).toBeNull();
  expect(own.primaryPid).not.toBe(host);
  expect(own.primaryPid).not.toBe(moved.primaryPid);
  const describe = await sb.ok(['describe', 'api']);
  expect(describe.stdout).not.toContain('primary group');

  const now = await apps();
  expect(workerPids(now, 'web')).toEqual(workerPids(before, 'web'));
  expect((await app('web')).primaryPid).toBe(host);
  await allAnswer();
  // The host of "other" served only job: moving job back leaves it with nothing, and it exits.
  const otherHost = moved.primaryPid ?? 0;
  await sb.ok(['restart', 'job', '--primary-group', 'g']);
  expect(await sharedHost(['web', 'job'])).toBe(host);
  await waitFor(() => !isAlive(otherHost), { timeoutMs: 15000, what: 'the emptied host to exit' });
  expect(existsSync(groupSocket('other'))).toBe(false);
});

test('a host that finds the group lock taken exits 3; the daemon waits for the host that holds it', async () => {
  // The lock is held here, as by a host still starting or still exiting: each
  // host the daemon starts meanwhile loses the race and says so in the group's log.
  const lock = createServer();
  await new Promise<void>((resolve, reject) => {
    lock.once('error', reject);
    lock.listen(groupLockName(sb.home, 'g'), resolve);
  });
  let held = true;
  try {
    const start = sb.cli(['start', HELLO, '--name', 'web', '--primary-group', 'g', '--env', `PORT=${ports.web}`]);
    const log = groupLogPath(sb.home, 'g');
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('another host already runs group g'), {
      timeoutMs: 8000,
      what: 'a host to lose the lock',
    });
    await new Promise<void>((resolve) => lock.close(() => resolve()));
    held = false;
    const r = await start;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  } finally {
    if (held) lock.close();
  }
  const host = await sharedHost(['web']);
  await answers(ports.web);
  // The losers are gone: the daemon, the host and its worker are every process of the home.
  const daemon = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
  const expected = [daemon, host, ...workerPids(await apps(), 'web')].sort();
  await waitFor(() => processesOfHome(sb.home).length === expected.length, {
    timeoutMs: 15000,
    what: 'only the daemon, the host and its worker',
  });
  expect(processesOfHome(sb.home).sort()).toEqual(expected);
});

test('a hung host (SIGSTOP): stop of one app ends the host, and the other app comes back in a new one', async () => {
  const common = ['--primary-group', 'g', '--kill-timeout', '1000'];
  await sb.ok(['start', HELLO, '--name', 'web', ...common, '--env', `PORT=${ports.web}`]);
  await sb.ok(['start', HELLO, '--name', 'api', ...common, '--env', `PORT=${ports.api}`]);
  const host = await sharedHost(['web', 'api']);
  process.kill(host, 'SIGSTOP');
  // `stop` waits for the host's answer (kill timeout + 15 s), then ends its session: nothing else can.
  await sb.ok(['stop', 'web'], { timeoutMs: 60000 });
  await waitFor(() => !isAlive(host), { timeoutMs: 10000, what: 'the hung host to be killed' });
  expect((await app('web')).status).toBe('stopped');
  const next = await waitFor(
    async () => {
      const pid = await sharedHost(['api']);
      return pid !== host ? pid : null;
    },
    { timeoutMs: 40000, what: 'api in a new host' },
  );
  expect(isAlive(next)).toBe(true);
  await answers(ports.api);
});

/** A node binary at another path: a hard link when /tmp shares the file system, a copy otherwise. */
function otherNode(): string {
  const dir = join(sb.home, 'other-node');
  mkdirSync(dir);
  const path = join(dir, 'node');
  try {
    linkSync(process.execPath, path);
  } catch {
    copyFileSync(process.execPath, path);
  }
  return path;
}

test('refusals: one line, the right exit code, and nothing changes', async () => {
  await sb.ok(['start', HELLO, '--name', 'web', '--primary-group', 'g', '--env', `PORT=${ports.web}`]);
  const host = await sharedHost(['web']);
  const node = otherNode();
  // An app of its own on the other node: moving it into g is refused before it is stopped.
  const soloPort = await freePort();
  await sb.ok(['start', HELLO, '--name', 'solo', '--interpreter', node, '--env', `PORT=${soloPort}`]);
  const before = await stableList();
  const refused = async (args: string[], code: number, text: RegExp): Promise<void> => {
    const r = await sb.cli(args);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: expect.stringMatching(text) as unknown });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await stableList()).toEqual(before);
  };
  await refused(['start', HELLO, '--name', 'x', '--primary-group', 'a/b'], 2, /--primary-group "a\/b" is not allowed/);
  await refused(
    ['start', HELLO, '--name', 'clash', '--primary-group', 'g', '--env', `PORT=${ports.web}`],
    1,
    new RegExp(`port ${ports.web} is already served by app web of primary group g`),
  );
  await refused(
    ['start', HELLO, '--name', 'twin', '--primary-group', 'g ', '--env', `PORT=${ports.api}`],
    1,
    /primary group "g " has the file form g of group "g"/,
  );
  await refused(
    ['start', HELLO, '--name', 'other', '--primary-group', 'g', '--interpreter', node, '--env', `PORT=${ports.api}`],
    1,
    /other asks for node .*other-node\/node, but primary group g runs on /,
  );
  await refused(['restart', 'solo', '--primary-group', 'g'], 1, /solo asks for node .*other-node\/node/);
  await answers(soloPort);
  // web fixed the group's scheduling (rr, the default): an app asking for none is refused by the host.
  await refused(
    ['start', HELLO, '--name', 'none', '--primary-group', 'g', '--scheduling', 'none', '--env', `PORT=${ports.job}`],
    1,
    /app none asks for scheduling none, but primary group g balances connections with rr .*give it scheduling 'rr'/,
  );

  // The same through the programmatic API: a spec asking for another scheduling.
  const client = await connect({ home: sb.home, autoStart: false });
  try {
    const spec = defaultSpec(sb.home, 'sched', HELLO, FIXTURES, { PORT: String(ports.job) });
    spec.scheduling = 'none';
    spec.primaryGroup = 'g';
    const err = await client.start({ spec }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClusterctlError);
    expect((err as ClusterctlError).code).toBe('E_GROUP_CONFLICT');
    // A reload cannot move an app into or out of a host: restart does.
    const current = (await client.describe({ name: 'web' })).spec;
    const moved = await client.reload({ target: 'web', options: { spec: { ...current, primaryGroup: null } } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((moved as ClusterctlError).message).toMatch(/use `clusterctl restart web --no-primary-group`/);
  } finally {
    client.close();
  }
  expect(await stableList()).toEqual(before);
  expect(isAlive(host)).toBe(true);
  await answers(ports.web);
});

test('save + resurrect keep the group: one host for the apps again; update adopts it', async () => {
  await startThree();
  await sharedHost();
  await sb.ok(['save']);
  await sb.ok(['kill']);
  await sb.ok(['resurrect']);
  const host = await sharedHost();
  expect((await apps()).map((a) => a.spec.primaryGroup)).toEqual(['g', 'g', 'g']);
  const before = await apps();
  await sb.ok(['update']);
  const after = await apps();
  expect(after.map((a) => [a.name, a.primaryPid, a.spec.primaryGroup, a.workers.map((w) => w.pid)])).toEqual(
    before.map((a) => [a.name, host, 'g', a.workers.map((w) => w.pid)]),
  );
  await allAnswer();
});

test('apply: primary_group in the file; a changed group moves that app (stop, then start), the others stay', async () => {
  const file = join(sb.home, 'group.config.json');
  const entry = (name: string, port: number, group: string | null) => ({
    name,
    script: HELLO,
    env: { PORT: port },
    ...(group === null ? {} : { primary_group: group }),
  });
  writeFileSync(file, JSON.stringify({ apps: [entry('web', ports.web, 'g'), entry('api', ports.api, 'g')] }));
  await sb.ok(['apply', file]);
  const host = await sharedHost(['web', 'api']);
  const before = await apps();
  writeFileSync(file, JSON.stringify({ apps: [entry('web', ports.web, 'g'), entry('api', ports.api, null)] }));
  const r = await sb.ok(['apply', file]);
  expect(r.stdout).toMatch(/primary_group changed: the app primary is replaced/);
  const api = await app('api');
  expect([api.spec.primaryGroup, api.primaryPid === host]).toEqual([null, false]);
  expect(workerPids(await apps(), 'web')).toEqual(workerPids(before, 'web'));
  expect((await app('web')).primaryPid).toBe(host);
  await answers(ports.web);
  await answers(ports.api);
});
