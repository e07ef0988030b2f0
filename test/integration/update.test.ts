/**
 * Replacing the daemon never touches the apps. `clusterctl update`, `daemon
 * restart` and a kill -9 of the daemon, all under keep-alive HTTP load: zero
 * failed requests, the same worker pids, the same apps in `ls`. And a CLI
 * newer than the running daemon says once per command to run `clusterctl
 * update`, which switches to the new daemon without restarting anything.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLoad } from '../helpers/load';
import { freePort, httpGet } from '../helpers/net';
import { isAlive } from '../helpers/proc';
import { createSandbox, FIXTURES, ROOT, runNode, type Sandbox } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';
import { stringMatching } from '../helpers/match';

interface App {
  name: string;
  status: string;
  workers: Array<{ instance: number; pid: number | null; status: string }>;
}

function daemonPid(home: string): number {
  return Number(readFileSync(join(home, 'daemon.pid'), 'utf8'));
}

function shape(apps: App[]): Array<[string, Array<number | null>]> {
  return apps.map((a) => [a.name, a.workers.map((w) => w.pid)]);
}

describe('update, daemon restart and kill -9 of the daemon under load', () => {
  let sb: Sandbox;
  let port: number;
  beforeAll(async () => {
    sb = createSandbox();
    port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web'], { env: { PORT: String(port) } });
    await sb.ok(['start', join(FIXTURES, 'reports-env.js'), '--name', 'side'], {
      env: { PORT: String(await freePort()) },
    });
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('fails no request and keeps every worker pid', async () => {
    const before = (await sb.list()) as App[];
    expect(before.every((a) => a.status === 'online')).toBe(true);
    const load = startLoad(port, { keepAlive: true, connections: 8, maxSeconds: 90 });
    try {
      await waitFor(async () => (await httpGet(port)).status === 200, { what: 'traffic flowing' });

      const first = daemonPid(sb.home);
      const updated = await sb.ok(['update']);
      expect(updated.stdout).toMatch(
        new RegExp(`^daemon updated: version \\S+, pid ${first} → (\\d+); 2 apps adopted without a restart\\n`),
      );
      expect(isAlive(first)).toBe(false);
      expect(shape((await sb.list()) as App[])).toEqual(shape(before));

      const second = daemonPid(sb.home);
      expect(second).not.toBe(first);
      const restarted = await sb.ok(['daemon', 'restart']);
      expect(restarted.stdout).toMatch(
        new RegExp(`^daemon restarted: version \\S+, pid ${second} → \\d+; 2 apps adopted`),
      );
      expect(shape((await sb.list()) as App[])).toEqual(shape(before));

      const third = daemonPid(sb.home);
      process.kill(third, 'SIGKILL');
      await waitFor(() => !isAlive(third), { timeoutMs: 10000, what: 'the daemon to die' });
      // The next command starts a new daemon, which adopts the primaries.
      const after = (await sb.list()) as App[];
      expect(daemonPid(sb.home)).not.toBe(third);
      expect(shape(after)).toEqual(shape(before));
      expect(after.every((a) => a.status === 'online')).toBe(true);
    } finally {
      const result = await load.stop();
      expect(result.requests).toBeGreaterThan(0);
      expect({
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        kinds: result.errorKinds,
      }).toEqual({ non2xx: 0, errors: 0, timeouts: 0, kinds: {} });
    }
  });

  it('update with no daemon running starts one', async () => {
    const other = createSandbox();
    try {
      const r = await other.ok(['update']);
      expect(r.stdout).toMatch(/^no daemon was running for .*; started daemon \S+ \(pid \d+\)\n$/);
      expect(isAlive(daemonPid(other.home))).toBe(true);
    } finally {
      await other.cleanup();
    }
  });
});

describe('a CLI newer than the running daemon', () => {
  let sb: Sandbox;
  const oldInstall = useTempDir('old-install-', { scope: 'all' });
  beforeAll(() => {
    sb = createSandbox();
    // An "older release": this build with an older version number, installed elsewhere.
    cpSync(join(ROOT, 'dist'), join(oldInstall(), 'dist'), { recursive: true });
    mkdirSync(join(oldInstall(), 'bin'));
    cpSync(join(ROOT, 'bin', 'clusterctl'), join(oldInstall(), 'bin', 'clusterctl'));
    symlinkSync(join(ROOT, 'node_modules'), join(oldInstall(), 'node_modules'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(oldInstall(), 'package.json'), JSON.stringify({ ...pkg, version: '0.0.1-old' }));
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('works, says once to run `clusterctl update`, and update switches without restarting the apps', async () => {
    const port = await freePort();
    const old = await runNode(
      [join(oldInstall(), 'bin', 'clusterctl'), 'start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web'],
      {
        env: { ...sb.env, PORT: String(port) },
      },
    );
    expect(old.code).toBe(0);
    const before = (await sb.list()) as App[];

    const ls = await sb.ok(['ls']);
    const notices = ls.stderr.split('\n').filter((l) => l.includes('clusterctl update'));
    expect(notices).toEqual([
      stringMatching(/the running daemon is version 0\.0\.1-old, this CLI is \S+; run `clusterctl update`/),
    ]);
    expect(ls.stdout).toMatch(/│ web /);

    const load = startLoad(port, { keepAlive: true, connections: 4, maxSeconds: 60 });
    let updated;
    try {
      updated = await sb.ok(['update']);
    } finally {
      const result = await load.stop();
      expect({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts }).toEqual({
        non2xx: 0,
        errors: 0,
        timeouts: 0,
      });
    }
    expect(updated.stdout).toMatch(
      /^daemon updated: version 0\.0\.1-old → \S+, pid \d+ → \d+; 1 app adopted without a restart/,
    );
    const after = await sb.ok(['ls', '--json']);
    expect(after.stderr).toBe('');
    expect(shape(JSON.parse(after.stdout) as App[])).toEqual(shape(before));
  });
});
