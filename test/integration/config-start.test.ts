/**
 * `clusterctl start <config file>` with a PM2-style ecosystem file: three
 * apps with 1, 4 and 1 instances give 6 workers; --env production gives the
 * env_production values; the same file as .json, .yaml and .mjs does the
 * same; --only selects; a second start restarts the apps that exist (PM2's
 * behaviour); a broken or missing file starts nothing at all (not even the
 * daemon).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { freePort, httpGet } from '../helpers/net';
import { processesOfHome } from '../helpers/proc';
import { createSandbox, FIXTURES, runNode, type Sandbox } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';

interface App {
  name: string;
  workers: Array<{ instance: number; pid: number | null; status: string; restarts: number }>;
}

const ECOSYSTEM = join(FIXTURES, 'ecosystem', 'ecosystem.config.js');

function online(apps: App[]): Array<[string, number]> {
  return apps.map((a) => [a.name, a.workers.filter((w) => w.status === 'online').length]);
}

async function envOf(port: number): Promise<Record<string, string>> {
  return (JSON.parse((await httpGet(port)).body) as { env: Record<string, string> }).env;
}

describe('start <config file>', () => {
  let sb: Sandbox;
  const dir = useTempDir('config-start-', { scope: 'all' });
  let portEnv: Record<string, string>;
  let ports: { api: number; web: number; worker: number };

  beforeAll(async () => {
    ports = { api: await freePort(), web: await freePort(), worker: await freePort() };
    portEnv = { API_PORT: String(ports.api), WEB_PORT: String(ports.web), WORKER_PORT: String(ports.worker) };
  });
  beforeEach(() => {
    sb = createSandbox();
  });
  afterEach(async () => {
    await sb.cleanup();
  });

  /** The fixture's apps as plain data, with cwd pinned so relative scripts resolve from anywhere. */
  async function fixtureApps(): Promise<unknown> {
    const r = await runNode(['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(ECOSYSTEM)})))`], {
      env: { ...sb.env, ...portEnv },
    });
    const config = JSON.parse(r.stdout) as { apps: Array<Record<string, unknown>> };
    return { apps: config.apps.map((a) => ({ ...a, cwd: join(FIXTURES, 'ecosystem') })) };
  }

  it('the PM2-style ecosystem.config.js starts 3 apps and 6 workers, deploy ignored with a notice', async () => {
    const r = await sb.ok(['start', ECOSYSTEM], { env: portEnv });
    expect(r.stderr).toMatch(/section "deploy" ignored/);
    expect(r.stdout.split('\n').filter((l) => /│ online /.test(l))).toHaveLength(6);
    expect(online((await sb.list()) as App[])).toEqual([
      ['api', 1],
      ['web', 4],
      ['worker', 1],
    ]);
    expect(await envOf(ports.api)).toMatchObject({ NODE_ENV: 'development', GREETING: 'hello from development' });
    expect((await httpGet(ports.web)).status).toBe(200);
  });

  it('--env production gives the env_production values', async () => {
    await sb.ok(['start', ECOSYSTEM, '--env', 'production'], { env: portEnv });
    expect(online((await sb.list()) as App[])).toEqual([
      ['api', 1],
      ['web', 4],
      ['worker', 1],
    ]);
    expect(await envOf(ports.api)).toMatchObject({
      NODE_ENV: 'production',
      GREETING: 'hello from production',
      PORT: String(ports.api),
    });
    expect(await envOf(ports.worker)).toMatchObject({ NODE_ENV: 'production', QUEUE: 'jobs' });
  });

  it.each([
    ['json', (c: unknown) => JSON.stringify(c, null, 2)],
    ['yaml', (c: unknown) => toYaml(c)],
    ['yml', (c: unknown) => toYaml(c)],
    ['config.mjs', (c: unknown) => `export default ${JSON.stringify(c, null, 2)};\n`],
  ])('the same file as .%s does the same', async (ext, render) => {
    const file = join(dir(), `ecosystem.${ext}`);
    writeFileSync(file, render(await fixtureApps()));
    await sb.ok(['start', file, '--env', 'production']);
    expect(online((await sb.list()) as App[])).toEqual([
      ['api', 1],
      ['web', 4],
      ['worker', 1],
    ]);
    expect(await envOf(ports.api)).toMatchObject({ GREETING: 'hello from production' });
  });

  it('--only starts the named apps only; a second start starts the rest and, as PM2, restarts the others with the file (a stopped one starts)', async () => {
    await sb.ok(['start', ECOSYSTEM, '--only', 'web,worker'], { env: portEnv });
    const first = (await sb.list()) as App[];
    expect(online(first)).toEqual([
      ['web', 4],
      ['worker', 1],
    ]);
    expect(await envOf(ports.worker)).toMatchObject({ NODE_ENV: 'development' });
    await sb.ok(['stop', 'worker']);
    const again = await sb.ok(['start', ECOSYSTEM, '--env', 'production'], { env: portEnv });
    expect(again.stderr).not.toMatch(/left as it is/);
    expect(again.stdout).toMatch(/^! restart\s+web\s+/m);
    expect(again.stdout).toMatch(/^\+ start\s+worker\s+/m);
    const second = (await sb.list()) as App[];
    expect(online(second)).toEqual([
      ['web', 4],
      ['worker', 1],
      ['api', 1],
    ]);
    const web = (apps: App[]) => apps.find((a) => a.name === 'web')?.workers ?? [];
    // Every web worker is a new process, counted as one restart, and serves.
    const before = new Set(web(first).map((w) => w.pid));
    expect(web(second).filter((w) => before.has(w.pid))).toEqual([]);
    expect(web(second).map((w) => w.restarts)).toEqual([1, 1, 1, 1]);
    expect((await httpGet(ports.web)).status).toBe(200);
    // The stopped worker started again, and every app took the file's --env production.
    expect(await envOf(ports.worker)).toMatchObject({ NODE_ENV: 'production', QUEUE: 'jobs' });
    expect(await envOf(ports.api)).toMatchObject({ GREETING: 'hello from production' });
  });

  it.each<[string, string | null, RegExp]>([
    [
      'a syntax error',
      'module.exports = { apps: [ { name: "a", script: "x.js" ]\n};\n',
      /^clusterctl: .*broken\.config\.js: cannot load: SyntaxError: .*\(line \d+\)\n$/,
    ],
    [
      'no apps',
      'module.exports = { deploy: {} };\n',
      /^clusterctl: .*broken\.config\.js: has no "apps" array: there is nothing to start\n$/,
    ],
    ['an empty apps array', 'module.exports = { apps: [] };\n', /^clusterctl: .*broken\.config\.js: "apps" is empty/],
    ['a missing file', null, /^clusterctl: .*broken\.config\.js: no such file\n$/],
    [
      'one bad app among good ones',
      `module.exports = { apps: [{ name: 'ok', script: ${JSON.stringify(join(FIXTURES, 'hello.js'))} }, { name: 'bad', script: 'nope.js' }] };\n`,
      /app "bad" \(apps\[1\]\): script: .*nope\.js does not exist/,
    ],
  ])('%s: exit 2, one line, nothing started', async (what, content, expected) => {
    const file = join(dir(), what.replace(/\W+/g, '-'), 'broken.config.js');
    rmSync(join(file, '..'), { recursive: true, force: true });
    if (content !== null) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, content);
    }
    const r = await sb.cli(['start', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stdout).toBe('');
    // Not an app, not even the daemon: the file is refused before anything is asked of it.
    expect(processesOfHome(sb.home)).toEqual([]);
  });
});
