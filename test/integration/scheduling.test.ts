/**
 * `--scheduling rr|none` and the config key `scheduling`, through the real
 * binary, with real workers of fixtures/hello.js on 127.0.0.1. Who accepts
 * the connections is read from /proc: the listening sockets each process's
 * epoll watches (test/helpers/proc.ts). With rr (the default) the app
 * primary accepts and the workers hold no listening socket at all; with none
 * every worker accepts on the shared socket and the primary does not (it
 * keeps the copy it bound, unwatched). `apply` of a changed scheduling
 * replaces the primary; fork mode notices the flag; describe shows it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { acceptingPorts, listeningPorts } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';

jest.setTimeout(90000);

const HELLO = join(FIXTURES, 'hello.js');

interface App {
  name: string;
  primaryPid: number | null;
  spec: { scheduling: string; execMode: string };
  workers: Array<{ pid: number | null; status: string }>;
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
