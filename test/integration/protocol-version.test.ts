/**
 * The protocol version is checked both ways between the CLI and the daemon:
 * a CLI refuses a daemon that answers hello with another protocol (and does
 * not start a second daemon beside it), `clusterctl update` replaces such a
 * daemon, and a real daemon refuses a client hello of another protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { isAlive } from '../helpers/proc';
import { waitFor } from '../helpers/wait';

function startFakeDaemon(sb: Sandbox, protocol: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(FIXTURES, 'fake-daemon.js'), String(protocol)], {
    env: sb.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake daemon exited with ${code}`)));
    child.stdout.once('data', () => resolve(child));
  });
}

/** One request on a raw socket, the first reply line parsed. */
function rawCall(path: string, request: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let buffered = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no reply within 10 s'));
    }, 10000);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>);
    });
  });
}

describe('a daemon of another protocol', () => {
  let sb: Sandbox;
  let fake: ChildProcess | undefined;
  beforeEach(() => {
    sb = createSandbox();
  });
  afterEach(async () => {
    if (fake?.pid !== undefined && isAlive(fake.pid)) fake.kill('SIGKILL');
    await sb.cleanup();
  });

  it('is refused with E_PROTOCOL_MISMATCH (exit 3, one line), and no second daemon is started', async () => {
    fake = await startFakeDaemon(sb, 999);
    const r = await sb.cli(['ls']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/the daemon \(clusterctl 9\.9\.9\) speaks protocol 999/);
    expect(lines[0]).toMatch(/clusterctl update/);
    // The CLI sent nothing after the hello, launched nothing (a launch opens daemon.log), and the fake still serves.
    expect(readFileSync(join(sb.home, 'calls.log'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(sb.home, 'daemon.log'))).toBe(false);
    expect(isAlive(fake.pid ?? -1)).toBe(true);
  });

  it('is replaced by `clusterctl update`, found through daemon.pid', async () => {
    fake = await startFakeDaemon(sb, 999);
    const fakePid = fake.pid ?? -1;
    const r = await sb.cli(['update']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^daemon updated: version unknown → \\S+, pid ${fakePid} → \\d+`));
    await waitFor(() => !isAlive(fakePid), { timeoutMs: 10000, what: 'the fake daemon to exit' });
    // The daemon now running speaks this CLI's protocol: commands work again.
    await sb.ok(['ls']);
    const pid = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
    expect(pid).not.toBe(fakePid);
    expect(isAlive(pid)).toBe(true);
  });
});

describe('a client of another protocol', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox();
    await sb.ok(['ping']);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('gets E_PROTOCOL_MISMATCH from the daemon, with the update hint', async () => {
    const reply = await rawCall(join(sb.home, 'daemon.sock'), {
      id: 1,
      method: 'hello',
      params: { protocol: 999, version: '9.9.9' },
    });
    expect(reply).toMatchObject({ id: 1, ok: false, error: { code: 'E_PROTOCOL_MISMATCH' } });
    const { message } = reply.error as { message: string };
    expect(message).toMatch(
      /this CLI \(clusterctl 9\.9\.9\) speaks protocol 999, the daemon \(clusterctl \S+\) speaks 1/,
    );
    expect(message).toMatch(/run `clusterctl update`/);
  });

  it('of the same protocol is still answered', async () => {
    const reply = await rawCall(join(sb.home, 'daemon.sock'), {
      id: 2,
      method: 'hello',
      params: { protocol: 1, version: '9.9.9' },
    });
    expect(reply).toMatchObject({ id: 2, ok: true, result: { protocol: 1, versionMismatch: true } });
  });
});
