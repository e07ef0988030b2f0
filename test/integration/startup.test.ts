/**
 * `clusterctl startup` / `unstartup` and `clusterctl daemon run`: the unit
 * passes `systemd-analyze verify`; its ExecStart, run in the foreground on a
 * home whose dump.json holds a saved app, brings the app back; SIGTERM to it
 * stops the app gracefully and exits 0; a second one for the same home is
 * refused. Bad input changes nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { isAlive } from '../helpers/proc';
import { BIN, createSandbox, FIXTURES, ROOT, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

function verify(unitText: string, name: string): { code: number | null; complaints: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clusterctl-unit-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, unitText);
    const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    // verify exits 0 on warnings too (an unknown key is "ignored"): any line about our file is a failure.
    const complaints = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.includes(name))
      .join('\n');
    return { code: r.status, complaints };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child's exit code, or a rejection once the deadline passes (the timer never outlives the wait). */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid ?? '?'} still running after ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function field(unit: string, key: string): string[] {
  return [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
}

describe('clusterctl startup / unstartup', () => {
  let sb: Sandbox;
  let fakeHome: string;

  beforeAll(() => {
    sb = createSandbox();
    fakeHome = mkdtempSync(join(tmpdir(), 'clusterctl-userhome-'));
  });
  afterAll(async () => {
    await sb.cleanup();
    rmSync(fakeHome, { recursive: true, force: true });
  });

  it('--print: a unit systemd-analyze verifies, running the daemon in the foreground with absolute paths', async () => {
    const r = await sb.ok(['startup', '--print']);
    expect(r.stderr).toBe('');
    expect(verify(r.stdout, 'clusterctl-root.service')).toEqual({ code: 0, complaints: '' });
    expect(field(r.stdout, 'Type')).toEqual(['simple']);
    expect(field(r.stdout, 'KillMode')).toEqual(['mixed']);
    expect(field(r.stdout, 'User')).toEqual(['root']);
    expect(field(r.stdout, 'Environment')).toContain(`CLUSTERCTL_HOME=${sb.home}`);
    expect(field(r.stdout, 'ExecStart')).toEqual([`${process.execPath} ${BIN} daemon run --resurrect`]);
    expect(field(r.stdout, 'WantedBy')).toEqual(['multi-user.target']);
  });

  it('--run-as takes the account and its home; an unknown account or platform is one line, exit 2', async () => {
    const r = await sb.ok(['startup', 'systemd', '--print', '--run-as', 'nobody'], { env: { CLUSTERCTL_HOME: '' } });
    expect(field(r.stdout, 'User')).toEqual(['nobody']);
    expect(field(r.stdout, 'Environment')).toContain('CLUSTERCTL_HOME=/nonexistent/.clusterctl');
    for (const args of [['--run-as', 'no-such-user-h6'], ['launchd'], ['--user', '--run-as', 'nobody']]) {
      const bad = await sb.cli(['startup', ...args, '--print']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a non-root user without --user gets the exact sudo command, exit 1, and nothing is written', () => {
    const r = spawnSync(process.execPath, [BIN, 'startup'], {
      encoding: 'utf8',
      uid: 65534,
      gid: 65534,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CLUSTERCTL_HOME: join(fakeHome, 'nobody-home'), NO_COLOR: '1' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `clusterctl: writing /etc/systemd/system/clusterctl-nobody.service needs root: run \`sudo env CLUSTERCTL_HOME=${join(fakeHome, 'nobody-home')} ${process.execPath} ${BIN} startup systemd --run-as nobody\`, or \`clusterctl startup --user\` for a user unit\n`,
    );
    expect(existsSync('/etc/systemd/system/clusterctl-nobody.service')).toBe(false);
  });

  it('--user writes ~/.config/systemd/user/clusterctl.service and prints the systemctl and linger commands', async () => {
    const r = await sb.ok(['startup', '--user'], { env: { HOME: fakeHome } });
    const unitPath = join(fakeHome, '.config', 'systemd', 'user', 'clusterctl.service');
    expect(r.stdout).toContain(`wrote ${unitPath} (CLUSTERCTL_HOME=${sb.home})`);
    expect(r.stdout).toContain('systemctl --user daemon-reload && systemctl --user enable --now clusterctl.service');
    expect(r.stdout).toContain('loginctl enable-linger root');
    const unit = readFileSync(unitPath, 'utf8');
    expect(field(unit, 'User')).toEqual([]);
    expect(field(unit, 'WantedBy')).toEqual(['default.target']);
    expect(verify(unit, 'clusterctl.service')).toEqual({ code: 0, complaints: '' });
    const again = await sb.ok(['startup', '--user'], { env: { HOME: fakeHome } });
    expect(again.stdout).toMatch(/^updated /);
  });

  it('unstartup --user removes the unit and its enable link; then there is nothing to remove', async () => {
    const dir = join(fakeHome, '.config', 'systemd', 'user');
    mkdirSync(join(dir, 'default.target.wants'), { recursive: true });
    symlinkSync(join(dir, 'clusterctl.service'), join(dir, 'default.target.wants', 'clusterctl.service'));
    const r = await sb.ok(['unstartup', '--user'], { env: { HOME: fakeHome } });
    expect(r.stdout).toContain(`removed ${join(dir, 'clusterctl.service')}`);
    expect(r.stdout).toContain('systemctl --user stop clusterctl.service && systemctl --user daemon-reload');
    expect(existsSync(join(dir, 'clusterctl.service'))).toBe(false);
    expect(() => lstatSync(join(dir, 'default.target.wants', 'clusterctl.service'))).toThrow();
    const again = await sb.ok(['unstartup', '--user'], { env: { HOME: fakeHome } });
    expect(again.stdout).toMatch(/nothing to remove/);
  });

  it('a unit file clusterctl did not write is left alone by startup and unstartup (exit 1)', async () => {
    const unitPath = join(fakeHome, '.config', 'systemd', 'user', 'clusterctl.service');
    writeFileSync(unitPath, '[Service]\nExecStart=/bin/true\n');
    for (const verb of ['startup', 'unstartup']) {
      const r = await sb.cli([verb, '--user'], { env: { HOME: fakeHome } });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readFileSync(unitPath, 'utf8')).toBe('[Service]\nExecStart=/bin/true\n');
    }
  });
});

describe('the unit ExecStart: clusterctl daemon run --resurrect', () => {
  let sb: Sandbox;
  let runner: ChildProcess | null = null;

  beforeAll(() => {
    sb = createSandbox();
  });
  afterAll(async () => {
    if (runner?.pid !== undefined && runner.exitCode === null) runner.kill('SIGKILL');
    await sb.cleanup();
  });

  it('brings back the saved app, refuses a second daemon, and stops the app gracefully on SIGTERM', async () => {
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'web', '-i', '2', '--env', `PORT=${port}`]);
    await sb.ok(['save']);
    await sb.ok(['kill']);

    const unit = (await sb.ok(['startup', '--print'])).stdout;
    const execStart = field(unit, 'ExecStart')[0] ?? '';
    // The paths here have no spaces, so the line splits on them as systemd would.
    expect(execStart).not.toMatch(/["']/);
    const [program, ...args] = execStart.split(' ');
    const env: Record<string, string> = { HOME: sb.home };
    for (const assignment of field(unit, 'Environment')) {
      const eq = assignment.indexOf('=');
      env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
    expect(env.CLUSTERCTL_HOME).toBe(sb.home);
    const child = spawn(program, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    runner = child;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));

    const apps = await waitFor(
      async () => {
        const list = await sb.list();
        const web = list.find((a) => a.name === 'web');
        return web && web.workers.length === 2 && web.workers.every((w) => w.status === 'online') ? list : null;
      },
      { timeoutMs: 30000, what: 'the saved app to be online again' },
    );
    expect(out).toMatch(/resurrected 1 app: web/);
    expect((await httpGet(port)).status).toBe(200);
    const pids = (apps[0]?.workers ?? []).map((w) => w.pid as number);
    const daemonPid = Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8'));

    const second = await sb.cli(['daemon', 'run']);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `clusterctl: a daemon already runs for ${sb.home} (pid ${daemonPid}); stop it first with \`clusterctl save && clusterctl kill\` (then --resurrect brings its apps back here)\n`,
    );

    child.kill('SIGTERM');
    expect(await exitWithin(child, 30000)).toBe(0);
    expect(out).toMatch(/SIGTERM: stopping every app and the daemon[\s\S]*stopped web\ndaemon stopped\n/);
    expect([...pids, daemonPid].filter((pid) => isAlive(pid))).toEqual([]);
    expect(existsSync(join(sb.home, 'daemon.sock'))).toBe(false);
    // Graceful: each worker ended on its stop signal after the drain, not on SIGKILL.
    const exits = readFileSync(join(sb.home, 'logs', 'web-primary.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"worker exited"'))
      .map((l) => JSON.parse(l) as { pid: number; signal: string | null; reason: string });
    expect(exits.filter((e) => pids.includes(e.pid)).map((e) => [e.signal, e.reason])).toEqual([
      ['SIGINT', 'stopped'],
      ['SIGINT', 'stopped'],
    ]);
  });

  it('with no dump it says there is nothing to resurrect and keeps running until SIGTERM', async () => {
    rmSync(join(sb.home, 'dump.json'), { force: true });
    rmSync(join(sb.home, 'dump.json.bak'), { force: true });
    const child = spawn(process.execPath, [BIN, 'daemon', 'run', '--resurrect'], {
      env: sb.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runner = child;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    await waitFor(() => /nothing to resurrect/.test(out), { timeoutMs: 30000, what: 'the no-dump notice' });
    expect((await sb.ok(['ping'])).stdout).toMatch(/^daemon pid \d+/);
    child.kill('SIGTERM');
    expect(await exitWithin(child, 30000)).toBe(0);
    expect(out).toMatch(/no app was running\ndaemon stopped\n/);
  });

  it('follows a daemon replaced by `clusterctl daemon restart`, and SIGTERM still stops the apps', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'daemon', 'run'], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    runner = child;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    await waitFor(() => /daemon running \(pid \d+\)/.test(out), { timeoutMs: 30000, what: 'the daemon to be up' });
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'api', '--env', `PORT=${port}`]);
    const pid = (await sb.list())[0]?.workers[0]?.pid as number;
    await sb.ok(['daemon', 'restart']);
    await waitFor(() => /the daemon was replaced \(pid \d+ → \d+\); watching the new one/.test(out), {
      timeoutMs: 30000,
      what: 'the runner to follow the new daemon',
    });
    expect(child.exitCode).toBeNull();
    expect((await httpGet(port)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exitWithin(child, 30000)).toBe(0);
    expect(out).toMatch(/stopped api\ndaemon stopped\n/);
    expect(isAlive(pid)).toBe(false);
  });

  it('exits non-zero when its daemon dies with apps registered and nobody takes over', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'daemon', 'run'], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    runner = child;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const up = await waitFor(() => /daemon running \(pid (\d+)\)/.exec(out), { timeoutMs: 30000, what: 'the daemon' });
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'orphan', '--env', `PORT=${port}`]);
    process.kill(Number(up[1]), 'SIGKILL');
    // The 15 s takeover window, then exit 3 (E_DAEMON_UNREACHABLE) so systemd's Restart=on-failure acts.
    expect(await exitWithin(child, 40000)).toBe(3);
    expect(out).toMatch(/exited and no daemon took over; 1 app\(s\) are registered/);
    // The app outlived its daemon; the next daemon adopts it, and kill stops it.
    await sb.ok(['ping']);
    expect((await sb.ok(['kill'])).stdout).toMatch(/^stopped orphan; daemon \(pid \d+\) stopped/);
  });

  it('daemon run --help shows an example', async () => {
    expect((await sb.ok(['daemon', 'run', '--help'])).stdout).toMatch(/\$ clusterctl daemon run --resurrect/);
  });
});
