/**
 * Bad input of every kind, each case through the real binary: one clear
 * line on stderr, a non-zero exit code, and nothing changed.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, BIN, FIXTURES, type CliResult, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { processesOfHome } from '../helpers/proc';
import { useTempDir } from '../helpers/tmp';

/** The error contract: exactly one `clusterctl:` line (plus at most a hint), no stack trace. */
function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: '' });
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^clusterctl: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input', () => {
  let sb: Sandbox;
  const scratch = useTempDir('bad-', { scope: 'all' });
  beforeAll(async () => {
    sb = createSandbox();
    chmodSync(scratch(), 0o755);
    // One app that must be untouched by every bad command below.
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'keeper']);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  let baseline: string;
  beforeEach(async () => {
    baseline = JSON.stringify((await sb.list()).map((a) => [a.name, a.status, a.workers.map((w) => w.pid)]));
  });
  afterEach(async () => {
    expect(JSON.stringify((await sb.list()).map((a) => [a.name, a.status, a.workers.map((w) => w.pid)]))).toBe(
      baseline,
    );
  });

  it('a missing script', async () => {
    expectOneLineError(
      await sb.cli(['start', 'no-such-app.js'], { cwd: scratch() }),
      2,
      /script no-such-app\.js not found/,
    );
  });

  it('a directory', async () => {
    expectOneLineError(await sb.cli(['start', FIXTURES]), 2, /is not a file/);
  });

  it('an unreadable file', async () => {
    const locked = join(scratch(), 'locked.js');
    writeFileSync(locked, "require('http').createServer().listen(0)\n");
    chmodSync(locked, 0o000);
    // root reads any file, so the CLI runs as an unprivileged user when the tests run as root.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'start', locked], {
        ...asUser,
        env: { ...sb.env, CLUSTERCTL_HOME: join(scratch(), 'unused-home') },
        cwd: scratch(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expectOneLineError(r, 2, /cannot be read \(permission denied/);
  });

  it.each([['0.5'], ['abc']])('-i %s', async (value) => {
    expectOneLineError(
      await sb.cli(['start', join(FIXTURES, 'hello.js'), '-i', value]),
      2,
      /-i "[^"]+": expected a whole number/,
    );
  });

  it('-i without a value', async () => {
    expectOneLineError(await sb.cli(['start', join(FIXTURES, 'hello.js'), '-i']), 2, /argument missing/);
  });

  it('a name with /', async () => {
    expectOneLineError(
      await sb.cli(['start', join(FIXTURES, 'hello.js'), '--name', 'a/b']),
      2,
      /app name "a\/b" is not allowed: it contains "\/"/,
    );
  });

  it.each([
    ['start', join(FIXTURES, 'hello.js'), '--primary-group'],
    ['restart', 'keeper', '--primary-group'],
  ])('a primary group name with / (%s)', async (...args) => {
    expectOneLineError(await sb.cli([...args, 'a/b']), 2, /--primary-group "a\/b" is not allowed: it contains "\/"/);
  });

  it.each([['keeper'], ['all']])(
    'restart %s --scheduling with an unknown policy, and reload, which takes none',
    async (target) => {
      expectOneLineError(
        await sb.cli(['restart', target, '--scheduling', 'fast']),
        2,
        /^clusterctl: --scheduling "fast": expected one of rr, none$/,
      );
      expectOneLineError(await sb.cli(['reload', target, '--scheduling', 'none']), 2, /unknown option '--scheduling'/);
    },
  );

  it('a primary_group in a config file that is not a string', async () => {
    const file = join(scratch(), 'group.config.json');
    writeFileSync(
      file,
      JSON.stringify({ apps: [{ name: 'g1', script: join(FIXTURES, 'hello.js'), primary_group: 7 }] }),
    );
    expectOneLineError(await sb.cli(['start', file]), 2, /primary_group/);
  });

  it('--primary-group with a config file (set it in the file)', async () => {
    const file = join(scratch(), 'group2.config.json');
    writeFileSync(file, JSON.stringify({ apps: [{ name: 'g2', script: join(FIXTURES, 'hello.js') }] }));
    expectOneLineError(await sb.cli(['start', file, '--primary-group', 'g']), 2, /--primary-group: with a config file/);
  });

  it('--scheduling: an unknown policy, sticky with none, a config file given the flag', async () => {
    const hello = join(FIXTURES, 'hello.js');
    expectOneLineError(
      await sb.cli(['start', hello, '--scheduling', 'fast']),
      2,
      /--scheduling "fast": expected one of rr, none/,
    );
    expectOneLineError(
      await sb.cli(['start', hello, '--scheduling', 'none', '--sticky']),
      2,
      /--scheduling none cannot go with --sticky: sticky routing accepts every connection in the app primary/,
    );
    const file = join(scratch(), 'sched.config.json');
    writeFileSync(file, JSON.stringify({ apps: [{ name: 's1', script: hello }] }));
    expectOneLineError(await sb.cli(['start', file, '--scheduling', 'none']), 2, /--scheduling: with a config file/);
  });

  it.each([
    [3, /app "s2" \(apps\[0\]\): scheduling: must be "rr" or "none"/],
    ['fast', /app "s2" \(apps\[0\]\): scheduling: must be "rr" or "none"/],
  ])('a scheduling of %p in a config file', async (value, pattern) => {
    const file = join(scratch(), 'sched2.config.json');
    writeFileSync(
      file,
      JSON.stringify({ apps: [{ name: 's2', script: join(FIXTURES, 'hello.js'), scheduling: value }] }),
    );
    expectOneLineError(await sb.cli(['start', file]), 2, pattern);
  });

  it('scheduling none with sticky in a config file', async () => {
    const file = join(scratch(), 'sched3.config.json');
    writeFileSync(
      file,
      JSON.stringify({ apps: [{ name: 's3', script: join(FIXTURES, 'hello.js'), scheduling: 'none', sticky: true }] }),
    );
    expectOneLineError(
      await sb.cli(['start', file]),
      2,
      /app "s3" \(apps\[0\]\): scheduling: "none" cannot go with sticky: true: sticky routing/,
    );
  });

  it('a name over 128 bytes', async () => {
    expectOneLineError(
      await sb.cli(['start', join(FIXTURES, 'hello.js'), '--name', 'n'.repeat(129)]),
      2,
      /is 129 bytes long \(at most 128\)/,
    );
  });

  it.each([['stop'], ['restart'], ['delete'], ['describe'], ['reload']])('an unknown app for %s', async (command) => {
    expectOneLineError(await sb.cli([command, 'ghost']), 1, /no app named "ghost"/);
  });

  it('a name that already exists', async () => {
    const other = join(scratch(), 'keeper.js');
    writeFileSync(other, 'setInterval(() => {}, 1000);\n');
    expectOneLineError(
      await sb.cli(['start', other]),
      1,
      /app keeper already exists; use `clusterctl restart keeper` or `clusterctl delete keeper`/,
    );
  });

  it('scale below 1, and bad scale values', async () => {
    expectOneLineError(
      await sb.cli(['scale', 'keeper', '-1']),
      2,
      /cannot scale keeper to 0 instances; to stop it, run `clusterctl stop keeper`/,
    );
    expectOneLineError(await sb.cli(['scale', 'keeper', '0']), 2, /clusterctl stop keeper/);
    expectOneLineError(await sb.cli(['scale', 'keeper', 'lots']), 2, /expected N, \+N, -N or "max"/);
  });

  it('a script that throws at start: its own message, exit 1, and no tight restart loop', async () => {
    // --min-uptime counts from the fork: on a loaded machine node can take over
    // the default 1 s to reach the script's first line, and a worker that has not
    // thrown yet would count as online. The throw is what is under test here.
    try {
      const r = await sb.cli(['start', join(FIXTURES, 'throws-at-start.js'), '-i', '2', '--min-uptime', '10000']);
      expectOneLineError(r, 1, /boom: this app cannot start \(throws-at-start\.js\)/);
      // The app stays listed under its restart policy (backoff, then errored after a crash loop), never online.
      const app = (await sb.list()).find((a) => a.name === 'throws-at-start');
      expect(app?.status).not.toBe('online');
      const described = JSON.parse((await sb.ok(['describe', 'throws-at-start', '--json'])).stdout) as {
        workers: Array<{ status: string; reason: string | null }>;
      };
      // Each state says why: a first launch has no reason yet, a restart names the crash and what comes next.
      const reasonFor: Record<string, RegExp> = {
        launching: /^$|^exited with code 1; restarting now$/,
        'waiting-restart': /^exited with code 1$/,
        errored: /crash loop/,
      };
      for (const w of described.workers) {
        expect(Object.keys(reasonFor)).toContain(w.status);
        expect(w.reason ?? '').toMatch(reasonFor[w.status]);
      }
    } finally {
      // Deleted even when an assertion failed, so the next test starts from the
      // baseline (the afterEach check and the leftovers below see a failed delete).
      await sb.cli(['delete', 'throws-at-start']);
    }
    const leftovers = processesOfHome(sb.home).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('throws-at-start');
      } catch {
        return false;
      }
    });
    expect(leftovers).toEqual([]);
  });

  it('two apps on the same port: the second fails naming the port, traffic stays with the first', async () => {
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'first', '--env', `PORT=${port}`]);
    const firstPids = (await sb.list()).find((a) => a.name === 'first')?.workers.map((w) => w.pid);
    const r = await sb.cli(['start', join(FIXTURES, 'hello.js'), '--name', 'second', '--env', `PORT=${port}`]);
    expectOneLineError(r, 1, new RegExp(`EADDRINUSE.*${port}`));
    expect((await sb.list()).find((a) => a.name === 'second')?.status).not.toBe('online');
    for (let i = 0; i < 5; i++) {
      const body = JSON.parse((await httpGet(port)).body) as { pid: number };
      expect(firstPids).toContain(body.pid);
    }
    await sb.ok(['delete', 'first']);
    await sb.ok(['delete', 'second']);
  });
});

describe('targets that match nothing', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = createSandbox();
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it.each([['stop'], ['restart'], ['delete'], ['reload']])('%s all with no apps is an error', async (command) => {
    const r = await sb.cli([command, 'all']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^clusterctl: no apps are registered/);
  });
});
