/**
 * The daemon's own life: started by the first CLI that needs it, one per
 * home even when CLIs race, a stale socket replaced, files with tight modes,
 * hostile lines refused without harm, SIGTERM ends the daemon but not the
 * apps, and `kill` never starts a daemon.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isAlive, processesOfHome } from '../helpers/proc';
import { createSandbox, FIXTURES, runNode, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { freePort, httpGet } from '../helpers/net';
import { anyNumber, anyString, stringMatching } from '../helpers/match';

function daemonPids(home: string): number[] {
  return processesOfHome(home).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join('dist', 'daemon', 'main.js'));
    } catch {
      return false;
    }
  });
}

interface RawReply {
  id: unknown;
  ok: boolean;
  error?: { code: string; message: string };
  result?: unknown;
}

/** Writes raw bytes on the daemon socket and collects the first `count` reply lines. */
function rawExchange(path: string, payload: Buffer[], count: number): Promise<RawReply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ${count} replies; got: ${buf}`));
    }, 20000);
    socket.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const lines = buf.split('\n').filter((l) => l !== '');
      if (lines.length >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(lines.slice(0, count).map((l) => JSON.parse(l) as RawReply));
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => {
      for (const p of payload) socket.write(p);
    });
  });
}

describe('daemon lifecycle', () => {
  let sb: Sandbox;
  afterEach(async () => {
    await sb.cleanup();
  });

  it('is started by the first command, with a private home, socket and pid file', async () => {
    sb = createSandbox();
    const r = await sb.ok(['ping']);
    const pid = Number(/daemon pid (\d+)/.exec(r.stdout)?.[1]);
    expect(isAlive(pid)).toBe(true);
    expect(readFileSync(join(sb.home, 'daemon.pid'), 'utf8').trim()).toBe(String(pid));
    expect(statSync(sb.home).mode & 0o777).toBe(0o700);
    expect(statSync(join(sb.home, 'daemon.sock')).mode & 0o777).toBe(0o600);
    expect(statSync(join(sb.home, 'daemon.pid')).mode & 0o777).toBe(0o600);
    expect(r.stdout).toMatch(/version \d+\.\d+\.\d+ \(protocol \d+\), up \d+s, home /);
    // pino JSON lines
    const firstLine = readFileSync(join(sb.home, 'daemon.log'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('{'));
    expect(JSON.parse(firstLine ?? '{}')).toMatchObject({ msg: anyString(), level: anyNumber() });
  });

  it('ends with exactly one daemon when several CLIs race to start it', async () => {
    sb = createSandbox();
    const results = await Promise.all(Array.from({ length: 5 }, () => sb.cli(['ping'])));
    for (const r of results) expect(r.code).toBe(0);
    const pids = new Set(results.map((r) => /daemon pid (\d+)/.exec(r.stdout)?.[1]));
    expect(pids.size).toBe(1);
    // Losers of the race exit on their own; wait for them rather than assume.
    await waitFor(() => daemonPids(sb.home).length === 1, { timeoutMs: 10000, what: 'one daemon process' });
    expect(daemonPids(sb.home)).toEqual([Number([...pids][0])]);
  });

  it('replaces a stale socket file that nobody listens on', async () => {
    sb = createSandbox();
    const sock = join(sb.home, 'daemon.sock');
    // A process that binds the socket and dies without cleaning up leaves exactly this behind.
    await runNode(
      ['-e', "require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))", sock],
      { env: sb.env },
    );
    expect(statSync(sock).isSocket()).toBe(true);
    const r = await sb.cli(['ls']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(daemonPids(sb.home)).toHaveLength(1);
  });

  it('refuses a garbage line and a 2 MiB line with an error reply and keeps serving', async () => {
    sb = createSandbox();
    await sb.ok(['ping']);
    const sock = join(sb.home, 'daemon.sock');
    const replies = await rawExchange(
      sock,
      [
        Buffer.from('garbage that is not json\n'),
        Buffer.alloc(2 * 1024 * 1024, 'x'),
        Buffer.from(
          '\n{"id":5,"method":"start","params":{"spec":{"name":"x"}}}\n{"id":6,"method":"ping","params":{}}\n',
        ),
      ],
      4,
    );
    expect(replies[0]).toMatchObject({ id: null, ok: false, error: { code: 'E_PROTOCOL' } });
    expect(replies[1]).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'E_PROTOCOL', message: stringMatching(/line too long/) },
    });
    expect(replies[2]).toMatchObject({ id: 5, ok: false, error: { code: 'E_BAD_SPEC' } });
    expect(replies[3]).toMatchObject({ id: 6, ok: true });
    // Another client is served as usual, and nothing was registered.
    expect(await sb.list()).toEqual([]);
  });

  it('on SIGTERM exits and removes its socket, but the apps keep running and are adopted', async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2'], { env: { PORT: String(port) } });
    const before = await sb.list();
    const pid = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !isAlive(pid), { timeoutMs: 10000, what: 'daemon to exit' });
    expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
    expect(existsSync(join(sb.home, 'daemon.pid'))).toBe(false);
    expect((await httpGet(port)).status).toBe(200);
    const after = await sb.list();
    expect(after[0]?.workers.map((w) => w.pid)).toEqual(before[0]?.workers.map((w) => w.pid));
    expect(after[0]?.status).toBe('online');
  });

  it('kill with no daemon running exits 0 and does not start one', async () => {
    sb = createSandbox();
    const r = await sb.cli(['kill']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no daemon is running/);
    expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
    expect(processesOfHome(sb.home)).toEqual([]);
  });

  it('a start refused for bad input does not start a daemon either', async () => {
    sb = createSandbox();
    for (const args of [
      ['start', 'missing.js'],
      ['start', 'web'],
      ['start', join(FIXTURES, 'hello.js'), '-i', 'abc'],
    ]) {
      const r = await sb.cli(args);
      expect(r.code).toBe(2);
    }
    expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
    expect(processesOfHome(sb.home)).toEqual([]);
  });

  it('kill during a start waits for it and stops that app too: nothing is left running', async () => {
    sb = createSandbox();
    await sb.ok(['ping']);
    const starting = sb.cli([
      'start',
      join(FIXTURES, 'ready-after-1s.js'),
      '--wait-ready',
      '-i',
      '2',
      '--env',
      `PORT=${await freePort()}`,
    ]);
    // Wait until the app primary exists, i.e. the start is under way.
    await waitFor(() => existsSync(join(sb.home, 'run', 'ready-after-1s.sock')), {
      timeoutMs: 15000,
      intervalMs: 10,
      what: 'the start to be under way',
    });
    const killed = await sb.cli(['kill']);
    expect(killed.code).toBe(0);
    await starting;
    await waitFor(() => processesOfHome(sb.home).length === 0 || undefined, {
      timeoutMs: 15000,
      what: 'every process to be gone',
    });
    expect(JSON.parse(readFileSync(join(sb.home, 'state.json'), 'utf8'))).toEqual({ version: 1, apps: [] });
  });

  it('refuses an app name whose control socket path would be too long for the kernel', async () => {
    sb = createSandbox(`long-home-${'h'.repeat(40)}-`);
    const name = 'n'.repeat(60);
    const r = await sb.cli(['start', join(FIXTURES, 'hello.js'), '--name', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^clusterctl: app name n+ makes its control socket path \d+ bytes long \(at most 107\)/);
    expect(await sb.list()).toEqual([]);
  });

  it('says at once when CLUSTERCTL_HOME is too long for the daemon socket', async () => {
    sb = createSandbox();
    const r = await sb.cli(['ls'], { env: { CLUSTERCTL_HOME: join(sb.home, 'x'.repeat(110)) } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^clusterctl: CLUSTERCTL_HOME is too long for a Unix socket path/);
  });

  it('reports at once, with its reason, a daemon that cannot start', async () => {
    sb = createSandbox();
    // A file where the daemon needs its run/ directory.
    writeFileSync(join(sb.home, 'run'), '');
    const r = await sb.cli(['ls']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^clusterctl: the daemon failed to start \(exit code 1\); see .*daemon\.log\n {2}clusterctl daemon: cannot start: EEXIST/,
    );
  });
});
