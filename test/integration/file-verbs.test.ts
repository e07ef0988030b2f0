/**
 * PM2's verbs on a config file: `startOrReload`, `startOrRestart`, and
 * `reload|restart|stop|delete <file>` act on the file's apps (or those of
 * `--only`). Reload and restart start what is not running and give every
 * running app of the file the verb with the file's spec, changed or not;
 * stop and delete leave out the apps clusterctl does not know. Bad input is
 * one line on stderr, exit 2 (or 1 for unknown apps), and changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../src/client/client';
import { freePort, httpGet } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';

const REPORTS_ENV = join(FIXTURES, 'reports-env.js');

interface App {
  name: string;
  status: string;
  spec: { env: Record<string, string> };
  workers: Array<{ instance: number; pid: number | null; restarts: number }>;
}

async function envOf(port: number): Promise<Record<string, string>> {
  return (JSON.parse((await httpGet(port)).body) as { env: Record<string, string> }).env;
}

describe('verbs on a config file', () => {
  let sb: Sandbox;
  const dir = useTempDir('file-verbs-', { scope: 'all' });
  let file: string;
  let ports: { api: number; worker: number };

  const apps = async (): Promise<App[]> => (await sb.list()) as unknown as App[];
  const pids = async (name: string): Promise<Array<number | null>> =>
    ((await apps()).find((a) => a.name === name)?.workers ?? []).map((w) => w.pid);
  const restarts = async (name: string): Promise<number[]> =>
    ((await apps()).find((a) => a.name === name)?.workers ?? []).map((w) => w.restarts);

  beforeAll(async () => {
    sb = createSandbox();
    ports = { api: await freePort(), worker: await freePort() };
    file = join(dir(), 'ecosystem.config.js');
    const config = {
      apps: [
        {
          name: 'api',
          script: REPORTS_ENV,
          instances: 2,
          env: { PORT: ports.api, GREETING: 'base' },
          env_production: { GREETING: 'production' },
        },
        { name: 'worker', script: REPORTS_ENV, instances: 1, env: { PORT: ports.worker } },
      ],
    };
    writeFileSync(file, `module.exports = ${JSON.stringify(config, null, 2)};\n`);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  test('startOrReload starts the apps of the file that do not run', async () => {
    const r = await sb.ok(['startOrReload', file]);
    expect(r.stdout).toMatch(/^\+ start +api +2 instances$/m);
    expect(r.stdout).toMatch(/^\+ start +worker +1 instance$/m);
    expect((await apps()).map((a) => [a.name, a.status])).toEqual([
      ['api', 'online'],
      ['worker', 'online'],
    ]);
    expect((await envOf(ports.api)).GREETING).toBe('base');
  });

  test('reload <file> --env production reloads every app of the file, changed or not', async () => {
    const before = { api: await pids('api'), worker: await pids('worker') };
    const r = await sb.ok(['reload', file, '--env', 'production']);
    expect(r.stdout).toMatch(/^~ reload +api +env \(~GREETING\)$/m);
    expect(r.stdout).toMatch(/^~ reload +worker +no change in the file$/m);
    for (const name of ['api', 'worker'] as const)
      for (const pid of await pids(name)) expect(before[name]).not.toContain(pid);
    expect(await restarts('api')).toEqual([1, 1]);
    expect(await restarts('worker')).toEqual([1]);
    expect((await envOf(ports.api)).GREETING).toBe('production');
  });

  test('restart <file> --only worker restarts that app alone, with --update-env accepted', async () => {
    const api = await pids('api');
    const worker = await pids('worker');
    const r = await sb.ok(['restart', file, '--only', 'worker', '--update-env']);
    expect(r.stdout).toMatch(/^! restart +worker +no change in the file$/m);
    expect(r.stdout).not.toMatch(/ api /);
    expect(await pids('api')).toEqual(api);
    expect(await pids('worker')).not.toEqual(worker);
    expect(await restarts('worker')).toEqual([2]);
    expect((await httpGet(ports.worker)).status).toBe(200);
  });

  test('stop <file> stops its apps; startOrRestart starts them again', async () => {
    await sb.ok(['stop', file]);
    expect((await apps()).map((a) => a.status)).toEqual(['stopped', 'stopped']);
    const r = await sb.ok(['startOrRestart', file]);
    expect(r.stdout).toMatch(/^\+ start +api /m);
    expect((await apps()).map((a) => a.status)).toEqual(['online', 'online']);
    // The file's plain env again (no --env production): the environment is the file's, not the saved one.
    expect((await envOf(ports.api)).GREETING).toBe('base');
  });

  test('bad input: one line on stderr, the exit code of its error, nothing changed', async () => {
    const before = { api: await pids('api'), worker: await pids('worker') };
    const cases: Array<[string[], number, RegExp]> = [
      [['restart', file, '--kill-timeout', '100'], 2, /--kill-timeout: with a config file, set options in the file/],
      [['restart', file, '--primary-group', 'g'], 2, /--primary-group: with a config file/],
      [['reload', file, '--parallel', '2'], 2, /--parallel: with a config file/],
      [['restart', file, '--env', 'a', '--env', 'b'], 2, /give one environment name/],
      [['reload', 'api', '--env', 'production'], 2, /--env NAME selects the env_<NAME> blocks/],
      [['stop', 'api', '--only', 'api'], 2, /--only selects apps of a config file/],
      [['reload', file, '--only', 'nope'], 2, /--only: no app named "nope"/],
      [['startOrReload', join(dir(), 'missing.config.js')], 2, /takes a config file .* that exists/],
      [['startOrRestart', 'api'], 2, /takes a config file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await sb.cli(args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect({ api: await pids('api'), worker: await pids('worker') }).toEqual(before);
  });

  test("over the API, a restart or reload with a spec is refused for another app's name, and nothing changes", async () => {
    const client = await connect({ home: sb.home, autoStart: false });
    try {
      const api = (await client.list()).find((a) => a.name === 'api');
      if (api === undefined) throw new Error('api is not listed');
      const before = { api: await pids('api'), worker: await pids('worker') };
      const spec = { ...api.spec, name: 'api' };
      for (const call of [
        () => client.restart({ target: 'worker', options: { spec } }),
        () => client.reload({ target: 'all', options: { spec } }),
      ])
        await expect(call()).rejects.toMatchObject({
          code: 'E_USAGE',
          message: expect.stringMatching(/with a new spec targets that one app \(api\), not "(worker|all)"/) as unknown,
        });
      expect({ api: await pids('api'), worker: await pids('worker') }).toEqual(before);
    } finally {
      client.close();
    }
  });

  test('over the API, a restart with a spec that changes what the primary runs (sticky) starts a new primary', async () => {
    const client = await connect({ home: sb.home, autoStart: false });
    try {
      const worker = (await client.list()).find((a) => a.name === 'worker');
      if (worker === undefined) throw new Error('worker is not listed');
      await client.restart({ target: 'worker', options: { spec: { ...worker.spec, sticky: true } } });
      const after = (await client.list()).find((a) => a.name === 'worker');
      expect(after?.spec.sticky).toBe(true);
      expect(after?.primaryPid).not.toBe(worker.primaryPid);
      expect(after?.workers.map((w) => w.restarts)).toEqual(worker.workers.map((w) => w.restarts + 1));
      expect((await httpGet(ports.worker)).status).toBe(200);
    } finally {
      client.close();
    }
  });

  test('delete <file> --only api deletes it; a stop of it then names it as unknown, exit 1', async () => {
    const r = await sb.ok(['delete', file, '--only', 'api']);
    expect(r.stdout.trim()).toBe('deleted api');
    expect((await apps()).map((a) => a.name)).toEqual(['worker']);
    const none = await sb.cli(['stop', file, '--only', 'api']);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toMatch(/^clusterctl: none of the apps of .* \("api"\) is known to clusterctl/);
    // Both apps: api is unknown (a notice), worker is stopped.
    const both = await sb.ok(['stop', file]);
    expect(both.stderr).toMatch(/not known to clusterctl, left out: "api"/);
    expect((await apps()).map((a) => [a.name, a.status])).toEqual([['worker', 'stopped']]);
    const del = await sb.ok(['delete', file]);
    expect(del.stdout.trim()).toBe('deleted worker');
    expect(await apps()).toEqual([]);
  });

  test("reloadLogs (PM2's name, as in logrotate configs) is reload-logs", async () => {
    const pm2 = await sb.ok(['reloadLogs']);
    const ours = await sb.ok(['reload-logs']);
    expect(pm2.stdout).toMatch(/daemon\.log/);
    expect(pm2.stdout).toBe(ours.stdout);
  });
});
