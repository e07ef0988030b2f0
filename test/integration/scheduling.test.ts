/**
 * `--scheduling rr|none` and the config key `scheduling`, through the real
 * binary, with real workers of fixtures/hello.js on 127.0.0.1. Who accepts
 * the connections is read from /proc: the listening sockets each process's
 * epoll watches (test/helpers/proc.ts). With rr (the default) the app
 * primary accepts and the workers hold no listening socket at all; with none
 * every worker accepts on the shared socket and the primary does not (it
 * keeps the copy it bound, unwatched). `apply` of a changed scheduling
 * replaces the primary, and so does `restart --scheduling` (refused, with
 * nothing changed, for a --sticky app, a bad value, or what a primary group
 * cannot run); fork mode notices the flag; describe shows it; save, kill
 * and resurrect keep it; the daemon's API refuses sticky with none.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { acceptingPorts, listeningPorts } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';
import { connect } from '../../src/client/client';
import { defaultSpec } from '../../src/config/defaults';
import { ClusterctlError } from '../../src/protocol/errors';

jest.setTimeout(90000);

const HELLO = join(FIXTURES, 'hello.js');

interface App {
  name: string;
  primaryPid: number | null;
  spec: { scheduling: string; execMode: string; sticky: boolean; primaryGroup: string | null };
  workers: Array<{ pid: number | null; status: string; restarts: number }>;
}

let sb: Sandbox;
const dir = useTempDir('sched-', { scope: 'all' });
beforeAll(() => {
  sb = createSandbox('sched-');
});
afterAll(async () => {
  await sb.cleanup();
});

async function app(name: string): Promise<App> {
  const found = ((await sb.list()) as unknown as App[]).find((a) => a.name === name);
  if (!found) throw new Error(`no app ${name}`);
  return found;
}

/** The app's primary and worker pids, every worker online. */
async function pidsOf(name: string): Promise<{ primary: number; workers: number[] }> {
  const a = await app(name);
  expect(a.workers.map((w) => w.status)).toEqual(a.workers.map(() => 'online'));
  const workers = a.workers.map((w) => w.pid).filter((p): p is number => p !== null);
  if (a.primaryPid === null) throw new Error(`${name} has no primary`);
  return { primary: a.primaryPid, workers };
}

/** Fresh connections answered by the app's workers. */
async function expectServed(port: number, workers: number[]): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const r = await httpGet(port);
    expect(r.status).toBe(200);
    expect(workers).toContain((JSON.parse(r.body) as { pid: number }).pid);
  }
}

/** none: every worker accepts on the port, the primary does not. */
async function expectWorkersAccept(name: string, port: number): Promise<void> {
  const { primary, workers } = await pidsOf(name);
  expect(workers).toHaveLength(2);
  expect(acceptingPorts(primary)).not.toContain(port);
  for (const w of workers) {
    expect(acceptingPorts(w)).toContain(port);
    expect(listeningPorts(w)).toContain(port);
  }
  await expectServed(port, workers);
}

/** rr: the primary accepts on the port, the workers hold no socket listening on it. */
async function expectPrimaryAccepts(name: string, port: number): Promise<void> {
  const { primary, workers } = await pidsOf(name);
  expect(workers).toHaveLength(2);
  expect(acceptingPorts(primary)).toContain(port);
  for (const w of workers) expect(listeningPorts(w)).not.toContain(port);
  await expectServed(port, workers);
}

function writeConfig(file: string, apps: Array<Record<string, unknown>>): string {
  const path = join(dir(), file);
  writeFileSync(path, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
  return path;
}

test('--scheduling none: the workers accept on the shared socket, the primary is off the accept path', async () => {
  const port = await freePort();
  await sb.ok(['start', HELLO, '--name', 'none', '-i', '2', '--scheduling', 'none', '--env', `PORT=${port}`]);
  try {
    await expectWorkersAccept('none', port);
    expect((await app('none')).spec.scheduling).toBe('none');
    expect((await sb.ok(['describe', 'none'])).stdout).toMatch(/^scheduling +none \(the workers accept\)$/m);
  } finally {
    await sb.cli(['delete', 'none']);
  }
});

test('no flag: round-robin, the primary accepts every connection', async () => {
  const port = await freePort();
  await sb.ok(['start', HELLO, '--name', 'rr', '-i', '2', '--env', `PORT=${port}`]);
  try {
    await expectPrimaryAccepts('rr', port);
    expect((await app('rr')).spec.scheduling).toBe('rr');
    expect((await sb.ok(['describe', 'rr'])).stdout).toMatch(/^scheduling +rr \(the primary accepts, round-robin\)$/m);
  } finally {
    await sb.cli(['delete', 'rr']);
  }
});

test("a config file's scheduling: 'none' does the same; apply back to rr replaces the primary", async () => {
  const port = await freePort();
  const entry = { name: 'eco', script: HELLO, instances: 2, env: { PORT: port } };
  const file = writeConfig('eco.config.js', [{ ...entry, scheduling: 'none' }]);
  await sb.ok(['start', file]);
  try {
    await expectWorkersAccept('eco', port);
    const before = (await pidsOf('eco')).primary;
    writeConfig('eco.config.js', [entry]);
    const r = await sb.ok(['apply', file]);
    expect(r.stdout).toMatch(/^! restart +eco +scheduling changed: the app primary is replaced \(stop, then start\)/m);
    expect((await pidsOf('eco')).primary).not.toBe(before);
    await expectPrimaryAccepts('eco', port);
  } finally {
    await sb.cli(['delete', 'eco']);
  }
});

test('fork mode: --scheduling is noticed as not used, and describe shows none applies', async () => {
  const port = await freePort();
  const r = await sb.ok([
    'start',
    HELLO,
    '--name',
    'forked',
    '--exec-mode',
    'fork',
    '--scheduling',
    'none',
    '--env',
    `PORT=${port}`,
  ]);
  try {
    expect(r.stderr).toMatch(/forked: --scheduling applies to cluster mode only .*; not used/);
    const a = await app('forked');
    expect(a.spec).toMatchObject({ execMode: 'fork', scheduling: 'rr' });
    expect((await sb.ok(['describe', 'forked'])).stdout).toMatch(/^scheduling +- \(fork mode\)$/m);
    expect((await httpGet(port)).status).toBe(200);
  } finally {
    await sb.cli(['delete', 'forked']);
  }
});

const restarts = (a: App): number[] => a.workers.map((w) => w.restarts);

/** What a refused command must leave as it was: each app's primary, spec and worker pids. */
async function snapshot(): Promise<string> {
  const apps = (await sb.list()) as unknown as App[];
  return JSON.stringify(apps.map((a) => [a.name, a.primaryPid, a.spec, a.workers.map((w) => [w.pid, w.status])]));
}

/** Exit `code`, one line on stderr matching `text`, and nothing changed. */
async function refused(args: string[], code: number, text: RegExp): Promise<void> {
  const before = await snapshot();
  const r = await sb.cli(args);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: expect.stringMatching(text) as unknown });
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(await snapshot()).toBe(before);
}

/** Starts `name` from hello.js on a free port with `flags`, runs `body`, and deletes the app whatever happened. */
async function withApp(name: string, flags: string[], body: (port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  await sb.ok(['start', HELLO, '--name', name, ...flags, '--env', `PORT=${port}`]);
  try {
    await body(port);
  } finally {
    await sb.cli(['delete', name]);
  }
}

/** Starts `name` from hello.js on `port` with `flags` (the caller deletes it). */
async function startHello(name: string, port: number, ...flags: string[]): Promise<void> {
  await sb.ok(['start', HELLO, '--name', name, ...flags, '--env', `PORT=${port}`]);
}

async function remove(...names: string[]): Promise<void> {
  for (const name of names) await sb.cli(['delete', name]);
}

/** What a call on the daemon's socket threw. */
async function thrown(call: Promise<unknown>): Promise<ClusterctlError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClusterctlError);
  return err as ClusterctlError;
}

test('restart --scheduling none starts a new primary and the workers accept; the same value restarts in place; rr goes back', async () => {
  await withApp('switch', ['-i', '2'], async (port) => {
    await expectPrimaryAccepts('switch', port);
    const rr = await app('switch');
    const r = await sb.ok(['restart', 'switch', '--scheduling', 'none']);
    expect(r.stderr).toBe('');
    const none = await app('switch');
    expect(none.primaryPid).not.toBe(rr.primaryPid);
    // A new primary replaces each worker: one restart of each, as a restart in place counts it.
    expect(restarts(none)).toEqual(restarts(rr).map((n) => n + 1));
    expect(none.spec.scheduling).toBe('none');
    await expectWorkersAccept('switch', port);
    expect((await sb.ok(['describe', 'switch'])).stdout).toMatch(/^scheduling +none \(the workers accept\)$/m);

    await sb.ok(['restart', 'switch', '--scheduling', 'none']);
    const same = await app('switch');
    expect(same.primaryPid).toBe(none.primaryPid);
    expect(restarts(same)).toEqual(restarts(none).map((n) => n + 1));
    await expectWorkersAccept('switch', port);

    await sb.ok(['restart', 'switch', '--scheduling', 'rr']);
    const back = await app('switch');
    expect(back.primaryPid).not.toBe(same.primaryPid);
    expect(back.spec.scheduling).toBe('rr');
    await expectPrimaryAccepts('switch', port);
  });
});

test('refusals change nothing: a bad value, none for a --sticky app (alone or among all), reload --scheduling; the API too', async () => {
  const ports = { plain: await freePort(), chat: await freePort() };
  await sb.ok(['start', HELLO, '--name', 'plain', '-i', '2', '--env', `PORT=${ports.plain}`]);
  await sb.ok(['start', HELLO, '--name', 'chat', '-i', '2', '--sticky', '--env', `PORT=${ports.chat}`]);
  try {
    await refused(
      ['restart', 'plain', '--scheduling', 'fast'],
      2,
      /^clusterctl: --scheduling "fast": expected one of rr, none$/m,
    );
    const sticky =
      /^clusterctl: --scheduling none: app chat was started with --sticky, and sticky routing accepts every connection in the app primary, .*; keep it on rr, or delete it and start it again without --sticky$/m;
    await refused(['restart', 'chat', '--scheduling', 'none'], 2, sticky);
    // Several targets: every one is checked before any is stopped, so plain keeps its primary and workers too.
    await refused(['restart', 'all', '--scheduling', 'none'], 2, sticky);
    // A reload keeps the primary, so it takes no --scheduling: commander's unknown option (and its hint).
    const unchanged = await snapshot();
    const reload = await sb.cli(['reload', 'plain', '--scheduling', 'none']);
    expect({ code: reload.code, first: reload.stderr.split('\n')[0] }).toEqual({
      code: 2,
      first: "clusterctl: unknown option '--scheduling'",
    });
    expect(await snapshot()).toBe(unchanged);

    const before = await snapshot();
    const client = await connect({ home: sb.home, autoStart: false });
    try {
      // A client on the socket can send what no flag or file makes: sticky with none.
      const spec = {
        ...defaultSpec(sb.home, 'api-sticky', HELLO, FIXTURES, {}),
        sticky: true,
        scheduling: 'none' as const,
      };
      const started = await thrown(client.start({ spec }));
      expect(started.code).toBe('E_BAD_SPEC');
      expect(started.message).toMatch(
        /^invalid start params: spec\.scheduling: "none" cannot go with sticky: true: sticky routing .*; send "rr", or sticky: false$/,
      );
      const current = (await client.describe({ name: 'chat' })).spec;
      const reloaded = await thrown(
        client.reload({ target: 'chat', options: { spec: { ...current, scheduling: 'none' } } }),
      );
      expect(reloaded.code).toBe('E_BAD_SPEC');
      // A reload keeps the primary and so its policy: a spec of another scheduling names the restart to run.
      const plain = (await client.describe({ name: 'plain' })).spec;
      const other = await thrown(
        client.reload({ target: 'plain', options: { spec: { ...plain, scheduling: 'none' } } }),
      );
      expect(other.code).toBe('E_USAGE');
      expect(other.message).toMatch(/use `clusterctl restart plain --scheduling none`$/);
      expect((await thrown(client.restart({ target: 'chat', options: { scheduling: 'none' } }))).code).toBe('E_USAGE');
    } finally {
      client.close();
    }
    expect(await snapshot()).toBe(before);
    expect((await httpGet(ports.plain)).status).toBe(200);
    expect((await httpGet(ports.chat)).status).toBe(200);
  } finally {
    await remove('plain', 'chat');
  }
});

test("fork mode: restart --scheduling gets start's notice and restarts in place, the spec unchanged", async () => {
  await withApp('forked2', ['--exec-mode', 'fork'], async (port) => {
    const before = await app('forked2');
    const r = await sb.ok(['restart', 'forked2', '--scheduling', 'none']);
    expect(r.stderr).toBe(
      'clusterctl: forked2: --scheduling applies to cluster mode only (fork-mode processes share no listening socket); not used\n',
    );
    const after = await app('forked2');
    expect(after.primaryPid).toBe(before.primaryPid);
    expect(after.spec).toMatchObject({ execMode: 'fork', scheduling: 'rr' });
    expect((await httpGet(port)).status).toBe(200);
  });
});

test('primary groups: a change is refused where the app runs, and so is joining a group of the other policy; --no-primary-group moves it', async () => {
  const ports = { grouped: await freePort(), loner: await freePort() };
  await startHello('grouped', ports.grouped, '-i', '2', '--primary-group', 'sg');
  await startHello('loner', ports.loner, '-i', '2', '--scheduling', 'none');
  try {
    const host = (await app('grouped')).primaryPid;
    await refused(
      ['restart', 'grouped', '--scheduling', 'none'],
      1,
      /^clusterctl: app grouped runs in primary group sg, whose host balances the connections of all its apps with rr \(node:cluster has one policy per process\): to change it, move the app with `clusterctl restart grouped --scheduling none --no-primary-group` \(or --primary-group NAME\)$/m,
    );
    await refused(
      ['restart', 'loner', '--primary-group', 'sg'],
      1,
      /^clusterctl: app loner asks for scheduling none, but primary group sg balances connections with rr \(node:cluster has one policy per process; host pid \d+\): give it --scheduling rr, or another --primary-group or none \(its own primary\)$/m,
    );
    // Both at once into a new group would need one host with two policies.
    await refused(
      ['restart', 'all', '--primary-group', 'sg2'],
      1,
      /^clusterctl: apps grouped \(rr\) and loner \(none\) would share the host of primary group sg2, which has one connection scheduling for all its apps: restart them with one --scheduling$/m,
    );
    await expectWorkersAccept('loner', ports.loner);

    // --scheduling with --primary-group: into the group with its policy.
    await sb.ok(['restart', 'loner', '--primary-group', 'sg', '--scheduling', 'rr']);
    expect((await app('loner')).spec).toMatchObject({ primaryGroup: 'sg', scheduling: 'rr' });
    expect((await app('loner')).primaryPid).toBe(host);
    await expectPrimaryAccepts('loner', ports.loner);
    // Out of the group with a new policy: a primary of its own, the workers accept.
    await sb.ok(['restart', 'grouped', '--no-primary-group', '--scheduling', 'none']);
    const own = await app('grouped');
    expect(own.spec).toMatchObject({ primaryGroup: null, scheduling: 'none' });
    expect(own.primaryPid).not.toBe(host);
    await expectWorkersAccept('grouped', ports.grouped);
    expect((await app('loner')).primaryPid).toBe(host);
  } finally {
    await remove('grouped', 'loner');
  }
});

test("joining a group whose host runs only fork apps now is refused by the host's own policy, before the app is stopped", async () => {
  const ports = { first: await freePort(), forked: await freePort(), solo: await freePort() };
  await startHello('first', ports.first, '--primary-group', 'fg');
  await startHello('forked', ports.forked, '--exec-mode', 'fork', '--primary-group', 'fg');
  await startHello('solo', ports.solo, '-i', '2', '--scheduling', 'none');
  try {
    const host = (await app('forked')).primaryPid;
    // The host froze rr with its first cluster app, and keeps it once only a fork app is left.
    await sb.ok(['delete', 'first']);
    expect((await app('forked')).primaryPid).toBe(host);
    await refused(
      ['restart', 'solo', '--primary-group', 'fg'],
      1,
      /^clusterctl: app solo asks for scheduling none, but primary group fg balances connections with rr \(node:cluster has one policy per process; host pid \d+\): give it --scheduling rr, or another --primary-group or none \(its own primary\)$/m,
    );
    await expectWorkersAccept('solo', ports.solo);
    expect((await httpGet(ports.solo)).status).toBe(200);
  } finally {
    await remove('first', 'forked', 'solo');
  }
});

// Last: `kill` stops every app of the sandbox.
test('the new scheduling is kept: ls --json, save, then kill and resurrect start the app with it', async () => {
  await withApp('kept', ['-i', '2'], async (port) => {
    await sb.ok(['restart', 'kept', '--scheduling', 'none']);
    expect((await app('kept')).spec.scheduling).toBe('none');
    await sb.ok(['save']);
    await sb.ok(['kill']);
    await sb.ok(['resurrect']);
    expect((await app('kept')).spec.scheduling).toBe('none');
    await expectWorkersAccept('kept', port);
  });
});
