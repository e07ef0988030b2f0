/**
 * PM2's `namespace` through the real binary, with real workers of
 * fixtures/hello.js on 127.0.0.1: a config file puts users and orders in
 * namespace "api" and mailer in "jobs"; web is started from the command line
 * in the default namespace. restart, reload, stop, start, reset, flush and
 * delete given a namespace act on exactly its apps (pids, restart counts);
 * an app named like a namespace wins, as in PM2; an unknown target is still
 * E_APP_NOT_FOUND; a bad --namespace starts nothing; ls shows the column
 * only when some app is outside the default namespace; apply of a changed
 * namespace keeps the workers; save, kill and resurrect keep it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

jest.setTimeout(120000);

const HELLO = join(FIXTURES, 'hello.js');

interface App {
  name: string;
  status: string;
  spec: { namespace: string };
  workers: Array<{ pid: number | null; status: string; restarts: number }>;
}

let sb: Sandbox;
const dir = useTempDir('ns-', { scope: 'all' });
const ports: Record<string, number> = {};
let file = '';

async function apps(): Promise<Map<string, App>> {
  return new Map(((await sb.list()) as unknown as App[]).map((a) => [a.name, a]));
}

/** Worker pids and restart counts of every app, every worker online. */
async function snapshot(): Promise<Record<string, { pids: number[]; restarts: number[] }>> {
  const out: Record<string, { pids: number[]; restarts: number[] }> = {};
  for (const [name, a] of await apps()) {
    if (a.status === 'stopped') continue;
    expect(a.workers.map((w) => `${name}:${w.status}`)).toEqual(a.workers.map(() => `${name}:online`));
    out[name] = {
      pids: a.workers.map((w) => w.pid ?? 0).sort((x, y) => x - y),
      restarts: a.workers.map((w) => w.restarts),
    };
  }
  return out;
}

async function expectServes(name: string): Promise<void> {
  const r = await httpGet(ports[name]);
  expect(r.status).toBe(200);
}

function writeConfig(apps: Array<Record<string, unknown>>): string {
  const path = join(dir(), 'ecosystem.config.js');
  writeFileSync(path, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
  return path;
}

function fileApps(jobsNamespace: string): Array<Record<string, unknown>> {
  return [
    { name: 'users', script: HELLO, namespace: 'api', env: { PORT: ports.users } },
    { name: 'orders', script: HELLO, namespace: 'api', instances: 2, env: { PORT: ports.orders } },
    { name: 'mailer', script: HELLO, namespace: jobsNamespace, env: { PORT: ports.mailer } },
  ];
}

beforeAll(async () => {
  sb = createSandbox('ns-');
  for (const name of ['users', 'orders', 'mailer', 'web', 'api']) ports[name] = await freePort();
  file = writeConfig(fileApps('jobs'));
});
afterAll(async () => {
  await sb.cleanup();
});

test('ls has no namespace column while every app is in the default one, and one once an app is not', async () => {
  await sb.ok(['start', HELLO, '--name', 'web', '--env', `PORT=${ports.web}`]);
  const plain = (await sb.ok(['ls'])).stdout;
  expect(plain).not.toMatch(/namespace/);
  expect(plain.split('\n')[1]).toMatch(/^│ app +│ id +│ pid /);
  const started = (await sb.ok(['start', file])).stdout;
  expect(started.split('\n')[1]).toMatch(/^│ app +│ namespace │ id /);
  const ls = (await sb.ok(['ls'])).stdout;
  expect(ls).toMatch(/^│ users +│ api +│ 0 /m);
  expect(ls).toMatch(/^│ mailer +│ jobs +│ 0 /m);
  expect(ls).toMatch(/^│ web +│ default +│ 0 /m);
  const listed = await apps();
  expect([...listed.values()].map((a) => [a.name, a.spec.namespace]).sort()).toEqual([
    ['mailer', 'jobs'],
    ['orders', 'api'],
    ['users', 'api'],
    ['web', 'default'],
  ]);
  expect((await sb.ok(['describe', 'orders'])).stdout).toMatch(/^namespace +api$/m);
});

test('restart <namespace> restarts exactly its apps: new pids, one restart each; the others untouched', async () => {
  const before = await snapshot();
  const r = await sb.ok(['restart', 'api']);
  expect(r.stdout).toMatch(/│ users +│ api /);
  expect(r.stdout).not.toMatch(/mailer|web/);
  const after = await snapshot();
  for (const name of ['users', 'orders']) {
    for (const pid of after[name].pids) expect(before[name].pids).not.toContain(pid);
    expect(after[name].restarts).toEqual(before[name].restarts.map((n) => n + 1));
    await expectServes(name);
  }
  for (const name of ['mailer', 'web']) expect(after[name]).toEqual(before[name]);
});

test('reload <namespace> replaces its workers only; reset <namespace> zeroes its counts only', async () => {
  const before = await snapshot();
  await sb.ok(['reload', 'jobs']);
  const after = await snapshot();
  expect(after.mailer.pids).not.toEqual(before.mailer.pids);
  for (const name of ['users', 'orders', 'web']) expect(after[name]).toEqual(before[name]);
  await expectServes('mailer');
  await sb.ok(['reset', 'api']);
  const reset = await snapshot();
  expect(reset.users.restarts).toEqual([0]);
  expect(reset.orders.restarts).toEqual([0, 0]);
  expect(reset.mailer.restarts).toEqual(after.mailer.restarts);
});

test("logs <namespace> shows its apps' lines only, as PM2's logs does", async () => {
  const lines = await waitFor(
    async () => {
      const out = (await sb.ok(['logs', 'api', '--nostream', '--lines', '20'])).stdout.trim().split('\n');
      return out.some((l) => /^users:0 /.test(l)) && out.some((l) => /^orders:1 /.test(l)) ? out : null;
    },
    { what: 'lines of users and orders' },
  );
  expect(lines.filter((l) => !/^(users|orders):\d /.test(l))).toEqual([]);
  const unknown = await sb.cli(['logs', 'nope', '--nostream']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/no app named "nope"/);
});

test('stop <namespace> stops its apps; start <namespace> starts them again; flush <namespace> names them', async () => {
  const before = await snapshot();
  await sb.ok(['stop', 'api']);
  let listed = await apps();
  expect(['users', 'orders'].map((n) => listed.get(n)?.status)).toEqual(['stopped', 'stopped']);
  expect(['mailer', 'web'].map((n) => listed.get(n)?.status)).toEqual(['online', 'online']);
  // As with `all`, a restart of the namespace leaves an app someone stopped alone.
  await sb.ok(['restart', 'api']);
  expect((await apps()).get('users')?.status).toBe('stopped');
  await sb.ok(['start', 'api']);
  listed = await waitFor(
    async () => {
      const now = await apps();
      return now.get('users')?.status === 'online' && now.get('orders')?.status === 'online' ? now : null;
    },
    { what: 'users and orders online again' },
  );
  expect(listed.get('mailer')?.workers.map((w) => w.pid)).toEqual(before.mailer.pids);
  await expectServes('users');
  const flushed = await sb.ok(['flush', 'api']);
  expect(flushed.stdout).toMatch(/users/);
  expect(flushed.stdout).toMatch(/orders/);
  expect(flushed.stdout).not.toMatch(/mailer|web/);
});

test('an app named like a namespace wins, as in PM2: restart and delete act on that app alone', async () => {
  await sb.ok(['start', HELLO, '--name', 'api', '--env', `PORT=${ports.api}`]);
  const before = await snapshot();
  await sb.ok(['restart', 'api']);
  const after = await snapshot();
  expect(after.api.pids).not.toEqual(before.api.pids);
  for (const name of ['users', 'orders', 'mailer', 'web']) expect(after[name]).toEqual(before[name]);
  expect((await sb.ok(['delete', 'api'])).stdout).toMatch(/api/);
  const listed = await apps();
  expect(listed.has('api')).toBe(false);
  expect(listed.has('users')).toBe(true);
  expect(listed.has('orders')).toBe(true);
});

test('an unknown target is E_APP_NOT_FOUND (exit 1) with its message; a bad --namespace starts nothing (exit 2)', async () => {
  const before = await snapshot();
  const unknown = await sb.cli(['restart', 'nope']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toBe('clusterctl: no app named "nope"; `clusterctl ls` lists the apps\n');
  for (const [value, why] of [
    ['all', '"all" is reserved (it means every app)'],
    ['', 'it is empty'],
    ['a/b', 'it contains "/" (a name is not a path)'],
  ]) {
    const bad = await sb.cli(['start', HELLO, '--name', 'extra', '--namespace', value]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`clusterctl: --namespace ${JSON.stringify(value)} is not allowed: ${why}\n`);
  }
  expect((await apps()).has('extra')).toBe(false);
  expect(await snapshot()).toEqual(before);
});

test('apply of a changed namespace stores it and replaces no worker; the new namespace is a target', async () => {
  const before = await snapshot();
  writeConfig(fileApps('workers'));
  const plan = await sb.ok(['apply', file]);
  expect(plan.stdout).toMatch(/^~ reload +mailer +options \(namespace\): stored, no worker replaced$/m);
  expect(plan.stdout).toMatch(/^= keep +users +unchanged$/m);
  const listed = await apps();
  expect(listed.get('mailer')?.spec.namespace).toBe('workers');
  expect(await snapshot()).toEqual(before);
  expect((await sb.cli(['restart', 'jobs'])).code).toBe(1);
  await sb.ok(['restart', 'workers']);
  expect((await snapshot()).mailer.pids).not.toEqual(before.mailer.pids);
});

// Last but one: `kill` stops every app of the sandbox.
test('save, kill and resurrect keep each namespace, and it still selects its apps', async () => {
  await sb.ok(['save']);
  await sb.ok(['kill']);
  await sb.ok(['resurrect']);
  const listed = await waitFor(
    async () => {
      const now = await apps();
      return [...now.values()].every((a) => a.workers.length > 0 && a.workers.every((w) => w.status === 'online'))
        ? now
        : null;
    },
    { what: 'every resurrected app online' },
  );
  expect([...listed.values()].map((a) => [a.name, a.spec.namespace]).sort()).toEqual([
    ['mailer', 'workers'],
    ['orders', 'api'],
    ['users', 'api'],
    ['web', 'default'],
  ]);
  const before = await snapshot();
  await sb.ok(['restart', 'api']);
  const after = await snapshot();
  expect(after.users.pids).not.toEqual(before.users.pids);
  expect(after.web).toEqual(before.web);
});

test('delete <namespace> deletes exactly its apps', async () => {
  const deleted = await sb.ok(['delete', 'api']);
  expect(deleted.stdout).toMatch(/users/);
  expect(deleted.stdout).toMatch(/orders/);
  expect([...(await apps()).keys()].sort()).toEqual(['mailer', 'web']);
  await expectServes('web');
  // Only web is left, in the default namespace: the column is gone.
  await sb.ok(['delete', 'workers']);
  expect((await sb.ok(['ls'])).stdout).not.toMatch(/namespace/);
});
