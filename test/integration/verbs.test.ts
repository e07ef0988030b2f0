/**
 * PM2's everyday verbs against a real daemon and real workers: `reset`,
 * `send-signal` (alias sendSignal), `env`, `pid`, `show`/`info` (aliases of
 * describe) and `jlist` (ls --json), each with its bad input.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

const dir = useTempDir('verbs-');
let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

/** An app whose workers note every SIGUSR2 in signals.txt and crash once on /crash. */
function writeApp(): string {
  const script = join(dir(), 'app.js');
  writeFileSync(
    script,
    `const fs = require('node:fs');
const inst = process.env.NODE_APP_INSTANCE;
process.on('SIGUSR2', () => fs.appendFileSync(${JSON.stringify(join(dir(), 'signals.txt'))}, inst + ' ' + process.pid + '\\n'));
require('node:http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT));
`,
  );
  return script;
}

async function startApp(instances = 2): Promise<void> {
  const port = await freePort();
  await sb.ok([
    'start',
    writeApp(),
    '--name',
    'web',
    '-i',
    String(instances),
    '--env',
    `PORT=${port}`,
    '--env',
    'SECRET=hunter2',
  ]);
}

async function workers(): Promise<Array<{ instance: number; pid: number | null; restarts: number; status: string }>> {
  return (await sb.list()).find((a) => a.name === 'web')?.workers ?? [];
}

test('pid prints one pid a line, by instance; unknown app is exit 1', async () => {
  await startApp();
  const r = await sb.ok(['pid', 'web']);
  expect(r.stdout.trim().split('\n').map(Number)).toEqual((await workers()).map((w) => w.pid));
  const bad = await sb.cli(['pid', 'nope']);
  expect(bad.code).toBe(1);
  expect(bad.stderr.trim()).toMatch(/^clusterctl: no app named "nope"/);
});

test('send-signal reaches every worker or one instance; bad signal, instance and app are refused', async () => {
  await startApp();
  const ws = await workers();
  const alias = await sb.ok(['sendSignal', 'SIGUSR2', 'web']);
  expect(alias.stdout).toMatch(/SIGUSR2 sent to web #0 \(pid \d+\)\nSIGUSR2 sent to web #1/);
  const file = join(dir(), 'signals.txt');
  await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').trim().split('\n').length === 2);
  await sb.ok(['send-signal', 'usr2', 'web', '--instance', '1']);
  await waitFor(() => readFileSync(file, 'utf8').trim().split('\n').length === 3);
  expect(readFileSync(file, 'utf8').trim().split('\n').at(-1)).toBe(`1 ${ws[1].pid}`);

  const unknownSignal = await sb.cli(['send-signal', 'SIGBOGUS', 'web']);
  expect(unknownSignal.code).toBe(2);
  expect(unknownSignal.stderr).toMatch(/unknown signal "SIGBOGUS": expected one of SIGHUP/);
  const badInstance = await sb.cli(['send-signal', 'SIGUSR2', 'web', '--instance', '7']);
  expect(badInstance.code).toBe(2);
  expect(badInstance.stderr.trim()).toBe('clusterctl: web has no instance 7 (its instances are 0 to 1)');
  const notANumber = await sb.cli(['send-signal', 'SIGUSR2', 'web', '--instance', 'x']);
  expect(notANumber.code).toBe(2);
  const unknownApp = await sb.cli(['send-signal', 'SIGUSR2', 'nope']);
  expect(unknownApp.code).toBe(1);
  expect(unknownApp.stderr).toMatch(/no app named "nope"/);
  expect((await workers()).map((w) => w.pid)).toEqual(ws.map((w) => w.pid));
});

test('env shows the worker environment, redacted unless --show-env', async () => {
  await startApp();
  const hidden = await sb.ok(['env', 'web', '--instance', '1']);
  expect(hidden.stdout).toMatch(/^SECRET=\*\*\*$/m);
  expect(hidden.stdout).not.toMatch(/hunter2/);
  const shown = await sb.ok(['env', 'web', '--instance', '1', '--show-env']);
  expect(shown.stdout).toMatch(/^SECRET=hunter2$/m);
  expect(shown.stdout).toMatch(/^NODE_APP_INSTANCE=1$/m);
  expect(shown.stdout).toMatch(/^CLUSTERCTL_APP_NAME=web$/m);
  const bad = await sb.cli(['env', 'web', '--instance', '5']);
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim()).toBe('clusterctl: web has no instance 5 (its instances are 0 to 1)');
  expect((await sb.cli(['env', 'nope'])).code).toBe(1);
  await sb.ok(['stop', 'web']);
  const stopped = await sb.cli(['env', 'web']);
  expect(stopped.code).toBe(2);
  expect(stopped.stderr).toMatch(/web is not running/);
});

test('reset sets restart counters back to 0, and they count on from there', async () => {
  await startApp(1);
  await sb.ok(['restart', 'web']);
  await sb.ok(['restart', 'web']);
  expect((await workers())[0].restarts).toBe(2);
  const r = await sb.ok(['reset', 'web']);
  expect(r.stdout).toMatch(/web/);
  expect((await workers())[0].restarts).toBe(0);
  await sb.ok(['reload', 'web']);
  expect((await workers())[0].restarts).toBe(1);
  await sb.ok(['reset', 'all']);
  expect((await workers())[0].restarts).toBe(0);
  const bad = await sb.cli(['reset', 'nope']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/no app named "nope"/);
});

test('show and info are describe, jlist is ls --json', async () => {
  await startApp(1);
  const d = await sb.ok(['describe', 'web']);
  for (const alias of ['show', 'info']) {
    const r = await sb.ok([alias, 'web']);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(d.stdout.split('\n').slice(0, 3));
  }
  expect((await sb.cli(['show', 'nope'])).code).toBe(1);
  const j = JSON.parse((await sb.ok(['jlist'])).stdout) as Array<{
    name: string;
    spec: { env: Record<string, string> };
  }>;
  expect(j.map((a) => a.name)).toEqual(['web']);
  expect(j[0].spec.env.SECRET).toBe('***');
});
