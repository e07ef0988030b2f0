/**
 * `clusterctl apply`: a config file edited (instances 4 → 2, one env value
 * changed and one removed, one app dropped) is applied with --prune. The plan
 * printed by --dry-run is exactly what apply then does, the dry run changes
 * nothing, and the apps the plan leaves alone keep their pids.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { useTempDir } from '../helpers/tmp';

interface App {
  name: string;
  status: string;
  workers: Array<{ instance: number; pid: number | null; status: string }>;
}

const REPORTS_ENV = join(FIXTURES, 'reports-env.js');
const HELLO = join(FIXTURES, 'hello.js');

function pidsByInstance(apps: App[], name: string): Record<number, number | null> {
  const app = apps.find((a) => a.name === name);
  if (!app) throw new Error(`no app ${name}`);
  return Object.fromEntries(app.workers.map((w) => [w.instance, w.pid]));
}

/** The step lines of apply's output: the plan's diff lines, without summary, notices or the table. */
function stepLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^[+~±−!=] /.test(l));
}

async function envOf(port: number): Promise<Record<string, string>> {
  return (JSON.parse((await httpGet(port)).body) as { env: Record<string, string> }).env;
}

describe('apply', () => {
  let sb: Sandbox;
  const dir = useTempDir('apply-', { scope: 'all' });
  let ports: { api: number; web: number; worker: number; cache: number };

  beforeAll(async () => {
    sb = createSandbox();
    ports = { api: await freePort(), web: await freePort(), worker: await freePort(), cache: await freePort() };
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  function writeConfig(name: string, apps: Array<Record<string, unknown>>): string {
    const path = join(dir(), name);
    writeFileSync(path, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
    return path;
  }

  const v1 = () => [
    { name: 'api', script: REPORTS_ENV, instances: 1, env: { PORT: ports.api, GREETING: 'one', LEGACY_FLAG: 'on' } },
    { name: 'web', script: HELLO, instances: 4, env: { PORT: ports.web } },
    { name: 'worker', script: REPORTS_ENV, env: { PORT: ports.worker } },
    { name: 'cache', script: HELLO, env: { PORT: ports.cache } },
  ];

  it('a dry run against no daemon plans every app as a start and starts no daemon', async () => {
    const file = writeConfig('v1.config.js', v1());
    const r = await sb.ok(['apply', file, '--dry-run']);
    expect(stepLines(r.stdout)).toEqual([
      '+ start   api     1 instance',
      '+ start   web     4 instances',
      '+ start   worker  1 instance',
      '+ start   cache   1 instance',
    ]);
    expect(r.stdout).toContain('Plan: 4 to start.');
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    const ping = await sb.cli(['kill']);
    expect(ping.stdout).toMatch(/no daemon is running/);
  });

  it('starts the apps of the file', async () => {
    const file = writeConfig('v1.config.js', v1());
    const r = await sb.ok(['apply', file]);
    expect(stepLines(r.stdout)).toHaveLength(4);
    expect(r.stdout).toContain('Applied: 4 to start.');
    const apps = (await sb.list()) as App[];
    expect(apps.map((a) => [a.name, a.workers.filter((w) => w.status === 'online').length])).toEqual([
      ['api', 1],
      ['web', 4],
      ['worker', 1],
      ['cache', 1],
    ]);
    expect(await envOf(ports.api)).toMatchObject({ GREETING: 'one', LEGACY_FLAG: 'on' });
  });

  it('applying the same file again changes nothing', async () => {
    const before = (await sb.list()) as App[];
    const r = await sb.ok(['apply', join(dir(), 'v1.config.js')]);
    expect(stepLines(r.stdout).every((l) => l.startsWith('= keep'))).toBe(true);
    const after = (await sb.list()) as App[];
    for (const name of ['api', 'web', 'worker', 'cache'])
      expect(pidsByInstance(after, name)).toEqual(pidsByInstance(before, name));
  });

  it('the --dry-run plan of an edited file is exactly what apply --prune then does', async () => {
    const v2 = v1()
      .filter((a) => a.name !== 'worker')
      .map((a) => {
        if (a.name === 'web') return { ...a, instances: 2 };
        if (a.name === 'api') return { ...a, env: { PORT: ports.api, GREETING: 'two' } };
        return a;
      });
    const file = writeConfig('v2.config.js', v2);
    const before = (await sb.list()) as App[];

    const dry = await sb.ok(['apply', file, '--prune', '--dry-run']);
    const planned = stepLines(dry.stdout);
    expect(planned).toEqual([
      '~ reload  api     env (~GREETING -LEGACY_FLAG)',
      '± scale   web     4 → 2',
      '= keep    cache   unchanged',
      '− delete  worker  not in the file',
    ]);
    expect(dry.stdout).toContain('Plan: 1 to reload, 1 to scale, 1 to delete, 1 unchanged.');
    // The dry run touched nothing.
    const afterDry = (await sb.list()) as App[];
    for (const name of ['api', 'web', 'worker', 'cache'])
      expect(pidsByInstance(afterDry, name)).toEqual(pidsByInstance(before, name));

    const applied = await sb.ok(['apply', file, '--prune']);
    expect(stepLines(applied.stdout)).toEqual(planned);
    expect(applied.stdout).toContain('Applied: 1 to reload, 1 to scale, 1 to delete, 1 unchanged.');

    const after = (await sb.list()) as App[];
    expect(after.map((a) => a.name).sort()).toEqual(['api', 'cache', 'web']);
    // cache was untouched, and the web workers that survived the scale-down were not restarted.
    expect(pidsByInstance(after, 'cache')).toEqual(pidsByInstance(before, 'cache'));
    const webBefore = pidsByInstance(before, 'web');
    expect(pidsByInstance(after, 'web')).toEqual({ 0: webBefore[0], 1: webBefore[1] });
    // api was reloaded: a new worker, whose environment is replaced (LEGACY_FLAG is gone), not merged.
    expect(pidsByInstance(after, 'api')[0]).not.toBe(pidsByInstance(before, 'api')[0]);
    const env = await envOf(ports.api);
    expect(env.GREETING).toBe('two');
    expect(env).not.toHaveProperty('LEGACY_FLAG');
    await expect(httpGet(ports.worker, '/', 2000)).rejects.toThrow();
  });

  it('growing and changing at once: reload the current workers, then scale up with the new spec', async () => {
    const v3 = [
      { name: 'api', script: REPORTS_ENV, instances: 3, env: { PORT: ports.api, GREETING: 'three' } },
      { name: 'web', script: HELLO, instances: 2, env: { PORT: ports.web } },
      { name: 'cache', script: HELLO, env: { PORT: ports.cache } },
    ];
    const file = writeConfig('v3.config.js', v3);
    const dry = await sb.ok(['apply', file, '--dry-run']);
    expect(stepLines(dry.stdout)).toEqual([
      '~ reload  api    env (~GREETING)',
      '± scale   api    1 → 3',
      '= keep    web    unchanged',
      '= keep    cache  unchanged',
    ]);
    const applied = await sb.ok(['apply', file]);
    expect(stepLines(applied.stdout)).toEqual(stepLines(dry.stdout));
    const api = ((await sb.list()) as App[]).find((a) => a.name === 'api');
    expect(api?.workers.map((w) => w.instance).sort()).toEqual([0, 1, 2]);
    // Round-robin over the three workers: a dozen answers reach every one of them, and each has the new env.
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const { instance, env } = JSON.parse((await httpGet(ports.api)).body) as {
        instance: number;
        env: Record<string, string>;
      };
      answers.add(`${instance}:${env.GREETING}`);
    }
    expect([...answers].sort()).toEqual(['0:three', '1:three', '2:three']);
  });

  it('a stopped app in the file is started again with the file spec; --only limits the plan', async () => {
    await sb.ok(['stop', 'cache']);
    const file = join(dir(), 'v3.config.js');
    const dry = await sb.ok(['apply', file, '--only', 'cache', '--dry-run']);
    expect(stepLines(dry.stdout)).toEqual(['+ start   cache  1 instance, was stopped']);
    await sb.ok(['apply', file, '--only', 'cache']);
    await waitFor(async () => (await httpGet(ports.cache)).status === 200, { what: 'cache serving again' });
  });

  it('an interpreter change replaces the app primary: stop, then start on the new binary', async () => {
    // Another path to a node binary stands for an upgraded Node.
    const otherNode = join(dir(), 'bin', 'node');
    mkdirSync(join(dir(), 'bin'));
    symlinkSync(process.execPath, otherNode);
    const apps = JSON.parse((await sb.ok(['ls', '--json'])).stdout) as Array<App & { primaryPid: number }>;
    const cacheBefore = apps.find((a) => a.name === 'cache');
    const v4 = [
      { name: 'api', script: REPORTS_ENV, instances: 3, env: { PORT: ports.api, GREETING: 'three' } },
      { name: 'web', script: HELLO, instances: 2, env: { PORT: ports.web } },
      { name: 'cache', script: HELLO, interpreter: otherNode, env: { PORT: ports.cache } },
    ];
    const file = writeConfig('v4.config.js', v4);
    const dry = await sb.ok(['apply', file, '--dry-run']);
    expect(stepLines(dry.stdout)).toEqual([
      '= keep    api    unchanged',
      '= keep    web    unchanged',
      '! restart cache  interpreter changed: the app primary is replaced (stop, then start); options (interpreter)',
    ]);
    const applied = await sb.ok(['apply', file]);
    expect(stepLines(applied.stdout)).toEqual(stepLines(dry.stdout));
    const cache = (
      JSON.parse((await sb.ok(['ls', '--json'])).stdout) as Array<
        App & { primaryPid: number; spec: { interpreter: string } }
      >
    ).find((a) => a.name === 'cache');
    expect(cache?.status).toBe('online');
    expect(cache?.spec.interpreter).toBe(otherNode);
    expect(cache?.primaryPid).not.toBe(cacheBefore?.primaryPid);
    // The new primary was started through the new path (argv[0]).
    expect(readFileSync(`/proc/${cache?.primaryPid}/cmdline`, 'utf8').split('\0')[0]).toBe(otherNode);
    expect((await httpGet(ports.cache)).status).toBe(200);
  });

  it('bad input changes nothing: an invalid file, --prune with --only', async () => {
    const before = (await sb.list()) as App[];
    const bad = writeConfig('bad.config.js', [{ name: 'api', script: REPORTS_ENV, instances: 'lots' }]);
    const r = await sb.cli(['apply', bad, '--prune']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `clusterctl: ${bad}: app "api" (apps[0]): instances: must be a positive integer, "max" or a negative number`,
    );
    const both = await sb.cli(['apply', join(dir(), 'v3.config.js'), '--prune', '--only', 'api']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--prune cannot be combined with --only/);
    const after = (await sb.list()) as App[];
    expect(after.map((a) => [a.name, pidsByInstance(after, a.name)])).toEqual(
      before.map((a) => [a.name, pidsByInstance(before, a.name)]),
    );
  });
});
