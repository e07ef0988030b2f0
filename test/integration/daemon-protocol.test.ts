/**
 * A daemon that meets an app primary of another protocol version (a fake
 * peer on run/<app>.sock answering `hello` with protocol 999) neither adopts
 * nor commands it: the primary keeps running, daemon.log warns, `ls` shows
 * the app errored with what to do, and verbs on it are refused until that
 * primary is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSpec } from '../../src/config/defaults';
import { isAlive } from '../helpers/proc';
import { createSandbox, FIXTURES, type CliResult, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

jest.setTimeout(60000);

let sb: Sandbox;
let fake: ChildProcess | null = null;
let calls = '';

afterEach(async () => {
  if (fake?.pid !== undefined && isAlive(fake.pid)) process.kill(fake.pid, 'SIGKILL');
  fake = null;
  await sb.cleanup();
});

async function startFakePrimary(name: string): Promise<number> {
  mkdirSync(join(sb.home, 'run'), { recursive: true, mode: 0o700 });
  const specFile = join(sb.home, 'fake-spec.json');
  writeFileSync(specFile, JSON.stringify(defaultSpec(sb.home, name, join(FIXTURES, 'hello.js'), FIXTURES, {})));
  const socket = join(sb.home, 'run', `${name}.sock`);
  fake = spawn(process.execPath, [join(FIXTURES, 'speaks-protocol-999.js'), socket, specFile], {
    env: sb.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  fake.stdout?.setEncoding('utf8').on('data', (c: string) => (calls += c));
  await waitFor(() => existsSync(socket) && calls.includes('listening'), { timeoutMs: 10000, what: 'fake primary' });
  return fake.pid as number;
}

function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

test('a primary speaking protocol 999 is left running, shown errored with what to do, and never commanded', async () => {
  sb = createSandbox();
  const pid = await startFakePrimary('legacy');
  const [app] = (await sb.list()) as unknown as Array<{
    name: string;
    status: string;
    primaryPid: number | null;
    workers: Array<{ status: string; reason: string | null }>;
  }>;
  expect(app).toMatchObject({ name: 'legacy', status: 'errored', primaryPid: pid });
  expect(app.workers[0].reason).toMatch(
    /the app primary of legacy \(clusterctl 9\.9\.9\) speaks protocol 999, this daemon \(clusterctl \S+\) speaks 1: it was left running.*stop it with the clusterctl version that started it \(or end pid \d+.*then run `clusterctl restart legacy`/,
  );
  const log = readFileSync(join(sb.home, 'daemon.log'), 'utf8');
  const warning = log.split('\n').find((l) => l.includes('speaks protocol 999'));
  expect(warning).toBeDefined();
  expect(JSON.parse(warning as string)).toMatchObject({ level: 40, app: 'legacy', primaryPid: pid });

  // Verbs are refused with the protocol error (exit 3) and do not reach the primary.
  expectOneLineError(await sb.cli(['restart', 'legacy']), 3, /speaks protocol 999.*left running/);
  expectOneLineError(await sb.cli(['stop', 'legacy']), 3, /speaks protocol 999/);
  expect(isAlive(pid)).toBe(true);
  expect(calls.split('\n').filter((l) => l !== '' && l !== 'listening' && l !== 'hello')).toEqual([]);

  // Once that primary is gone, the app is this daemon's again: it can be deleted.
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid), { timeoutMs: 10000, what: 'fake primary to die' });
  await sb.ok(['delete', 'legacy']);
  expect(await sb.list()).toEqual([]);
});
