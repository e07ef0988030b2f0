/**
 * Loading PM2-style config files: the three formats, env blocks, --only, the
 * value forms PM2 accepts, and one-line errors naming file, app and field.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { isConfigFile } from '../../src/config/file/detect';
import { loadConfigFile, type LoadOptions } from '../../src/config/file/load';
import { ClusterctlError } from '../../src/protocol/errors';
import { FIXTURES } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';
import { stringMatching } from '../helpers/match';

const HOME = '/tmp/clusterctl-home-for-unit-tests';
const dir = useTempDir('config-');

function opts(extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    cwd: dir(),
    home: HOME,
    baseEnv: { PATH: process.env.PATH ?? '', SHELL_VAR: 'from-shell' },
    cpus: 8,
    ...extra,
  };
}

function write(name: string, content: string): string {
  const p = join(dir(), name);
  writeFileSync(p, content);
  return p;
}

const HELLO = join(FIXTURES, 'hello.js');

function threeApps(): { apps: Array<Record<string, unknown>> } {
  return {
    apps: [
      { name: 'api', script: HELLO, instances: 1, env: { PORT: 5000, MODE: 'dev' }, env_production: { MODE: 'prod' } },
      { name: 'web', script: HELLO, instances: 4, env: { PORT: 5001 }, env_production: { WEB_ONLY: 'yes' } },
      { name: 'worker', script: HELLO, env: { PORT: 5002 } },
    ],
  };
}

async function expectConfigError(p: Promise<unknown>, text: string | RegExp): Promise<ClusterctlError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ClusterctlError);
  const err = caught as ClusterctlError;
  expect(err.code).toBe('E_CONFIG');
  expect(err.message).not.toContain('\n');
  if (typeof text === 'string') expect(err.message).toBe(text);
  else expect(err.message).toMatch(text);
  return err;
}

describe('isConfigFile', () => {
  it.each([
    'ecosystem.config.js',
    'a/b/pm2.config.cjs',
    'x.config.mjs',
    'apps.json',
    'apps.yaml',
    'apps.yml',
    'APPS.YML',
  ])('%s is a config file', (p) => {
    expect(isConfigFile(p)).toBe(true);
  });
  it.each(['app.js', 'server.mjs', 'config.js', 'index.cjs', 'app.ts', 'json'])('%s is a script', (p) => {
    expect(isConfigFile(p)).toBe(false);
  });
});

describe('loadConfigFile: formats', () => {
  it('reads the PM2-style fixture: three apps, 1 + 4 + 1 instances, deploy ignored with a notice', async () => {
    const { specs, notices } = await loadConfigFile(join(FIXTURES, 'ecosystem', 'ecosystem.config.js'), opts());
    expect(specs.map((s) => [s.name, s.instances])).toEqual([
      ['api', 1],
      ['web', 4],
      ['worker', 1],
    ]);
    expect(specs[0]?.script).toBe(join(FIXTURES, 'reports-env.js'));
    expect(specs[0]?.cwd).toBe(join(FIXTURES, 'ecosystem'));
    expect(specs[1]?.maxMemoryRestart).toBe(300 * 1024 * 1024);
    expect(specs[1]?.killTimeout).toBe(3000);
    expect(specs[2]?.minUptime).toBe(1000);
    expect(specs[0]?.env.GREETING).toBe('hello from development');
    expect(notices).toEqual([stringMatching(/section "deploy" ignored/)]);
  });

  it('gives the same specs from .config.js, .json, .yaml and .yml', async () => {
    const js = write('same.config.js', `module.exports = ${JSON.stringify(threeApps())};`);
    const json = write('same.json', JSON.stringify(threeApps()));
    const yaml = write('same.yaml', toYaml(threeApps()));
    const yml = write('same.yml', toYaml(threeApps()));
    const fromJs = await loadConfigFile(js, opts());
    for (const p of [json, yaml, yml]) expect((await loadConfigFile(p, opts())).specs).toEqual(fromJs.specs);
    expect(fromJs.specs.map((s) => s.instances)).toEqual([1, 4, 1]);
  });

  it('reads .json files the way PM2 does: comments, trailing commas and unquoted keys are fine', async () => {
    const p = write(
      'pm2-style.json',
      `{
  /* written for PM2 */
  apps: [
    {
      "name": "api", // the API
      'script': ${JSON.stringify(HELLO)},
      instances: 2,
    },
  ],
}`,
    );
    expect((await loadConfigFile(p, opts())).specs.map((s) => [s.name, s.instances])).toEqual([['api', 2]]);
  });

  it('reads a .cjs file and an `export default`-style object', async () => {
    const cjs = write('app.config.cjs', `exports.default = ${JSON.stringify(threeApps())};`);
    expect((await loadConfigFile(cjs, opts())).specs).toHaveLength(3);
  });

  it('resolves a relative path against opts.cwd and shows it as given', async () => {
    write('rel.json', JSON.stringify({ apps: [{ name: 'a', script: 'missing.js' }] }));
    await expectConfigError(
      loadConfigFile('rel.json', opts()),
      new RegExp(
        `^rel\\.json: app "a" \\(apps\\[0\\]\\): script: script missing\\.js not found: ${join(dir(), 'missing.js')} does not exist, and there is no command missing\\.js in PATH `,
      ),
    );
  });
});

describe('loadConfigFile: env', () => {
  it('is the caller env, then env, then env_<name> with --env', async () => {
    const p = write('env.json', JSON.stringify(threeApps()));
    const dev = await loadConfigFile(p, opts());
    expect(dev.specs[0]?.env).toEqual({
      PATH: process.env.PATH ?? '',
      SHELL_VAR: 'from-shell',
      PORT: '5000',
      MODE: 'dev',
    });
    const prod = await loadConfigFile(p, opts({ env: 'production' }));
    expect(prod.specs[0]?.env.MODE).toBe('prod');
    expect(prod.specs[0]?.env.PORT).toBe('5000');
    expect(prod.specs[1]?.env.WEB_ONLY).toBe('yes');
    expect(prod.specs[0]?.env.WEB_ONLY).toBeUndefined();
    expect(prod.notices).toEqual([]);
    expect((await loadConfigFile(p, opts({ env: 'prodution' }))).notices).toEqual([
      `${p}: no app has an env_prodution block; --env prodution changes nothing`,
    ]);
  });

  it('stringifies numbers and booleans as PM2 does, objects and arrays as JSON; undefined leaves a variable unset', async () => {
    const ok = write('types.json', JSON.stringify({ apps: [{ name: 'a', script: HELLO, env: { N: 1, B: false } }] }));
    expect((await loadConfigFile(ok, opts())).specs[0]?.env).toMatchObject({ N: '1', B: 'false' });
    const js = write(
      'types.config.js',
      `module.exports = { apps: [{ name: 'a', script: ${JSON.stringify(HELLO)}, env: { OBJ: { a: true }, LIST: [1, 'x'], GONE: undefined } }] };`,
    );
    const loaded = await loadConfigFile(js, opts());
    expect(loaded.specs[0]?.env).toMatchObject({ OBJ: '{"a":true}', LIST: '[1,"x"]' });
    expect(loaded.specs[0]?.env).not.toHaveProperty('GONE');
    expect(loaded.notices).toContain(`${js}: app "a" (apps[0]): env.GONE is undefined; GONE is left unset`);
  });
});

describe('loadConfigFile: --only', () => {
  it('keeps the named apps, in file order', async () => {
    const p = write('only.json', JSON.stringify(threeApps()));
    const { specs } = await loadConfigFile(p, opts({ only: ['worker', 'api'] }));
    expect(specs.map((s) => s.name)).toEqual(['api', 'worker']);
  });
  it('names an app that is not in the file', async () => {
    const p = write('only.json', JSON.stringify(threeApps()));
    await expectConfigError(
      loadConfigFile(p, opts({ only: ['api', 'nope'] })),
      `${p}: --only: no app named "nope" (the file has: api, web, worker)`,
    );
  });
});

describe('loadConfigFile: PM2 value forms', () => {
  async function one(app: Record<string, unknown>, extra: Partial<LoadOptions> = {}) {
    const p = write('one.json', JSON.stringify({ apps: [{ name: 'a', script: HELLO, ...app }] }));
    const { specs, notices } = await loadConfigFile(p, opts(extra));
    return { spec: specs[0], notices };
  }

  it('instances: number, numeric string, "max", 0, negative', async () => {
    expect((await one({ instances: 3 })).spec.instances).toBe(3);
    expect((await one({ instances: '3' })).spec.instances).toBe(3);
    expect((await one({ instances: 'max' })).spec.instances).toBe(8);
    expect((await one({ instances: 0 })).spec.instances).toBe(8);
    expect((await one({ instances: -2 })).spec.instances).toBe(6);
    expect((await one({ instances: '-1' })).spec.instances).toBe(7);
    expect((await one({ instances: -20 })).spec.instances).toBe(1);
  });

  it('args and node_args as strings (shell words) or arrays; interpreter_args as an alias', async () => {
    const { spec } = await one({
      args: `--port 80 --name 'my app'`,
      node_args: '--max-old-space-size=256 --enable-source-maps',
    });
    expect(spec.args).toEqual(['--port', '80', '--name', 'my app']);
    expect(spec.nodeArgs).toEqual(['--max-old-space-size=256', '--enable-source-maps']);
    expect((await one({ args: ['a b', 1] })).spec.args).toEqual(['a b', '1']);
    expect((await one({ interpreter_args: ['--inspect=0'] })).spec.nodeArgs).toEqual(['--inspect=0']);
  });

  it('sizes and durations', async () => {
    expect((await one({ max_memory_restart: 1024 })).spec.maxMemoryRestart).toBe(1024);
    expect((await one({ max_memory_restart: '512K' })).spec.maxMemoryRestart).toBe(512 * 1024);
    expect((await one({ max_memory_restart: '1G' })).spec.maxMemoryRestart).toBe(1024 ** 3);
    expect((await one({ min_uptime: '500ms' })).spec.minUptime).toBe(500);
    expect((await one({ min_uptime: '2s' })).spec.minUptime).toBe(2000);
    expect((await one({ min_uptime: 1500 })).spec.minUptime).toBe(1500);
    expect((await one({ kill_timeout: '1m' })).spec.killTimeout).toBe(60000);
    expect((await one({ log_max_size: '10M' })).spec.logs.maxSize).toBe(10 * 1024 * 1024);
  });

  it('the rest of the options map onto the spec', async () => {
    const { spec } = await one({
      exec_mode: 'cluster_mode',
      wait_ready: true,
      listen_timeout: 8000,
      max_restarts: 3,
      restart_delay: 250,
      exp_backoff_restart_delay: 50,
      autorestart: false,
      stop_exit_codes: 42,
      increment_var: 'PORT',
      instance_var: 'INSTANCE_ID',
      env: { PORT: 7000 },
      out_file: 'out.log',
      error_file: '/dev/null',
      time: true,
      stop_signal: 'SIGTERM',
      log_format: 'json',
      log_retain: 2,
      log_compress: true,
      cwd: '.',
    });
    expect(spec).toMatchObject({
      waitReady: true,
      listenTimeout: 8000,
      maxRestarts: 3,
      restartDelay: 250,
      expBackoffRestartDelay: 50,
      autorestart: false,
      stopExitCodes: [42],
      incrementVar: 'PORT',
      instanceVar: 'INSTANCE_ID',
      stopSignal: 'SIGTERM',
      cwd: dir(),
      logs: { out: join(dir(), 'out.log'), err: '/dev/null', time: true, format: 'json', retain: 2, compress: true },
    });
    expect((await one({ stop_exit_codes: [0, 3] })).spec.stopExitCodes).toEqual([0, 3]);
    expect((await one({ log_type: 'json' })).spec.logs.format).toBe('json');
  });

  it('scheduling: rr or none; refused with sticky; a notice and the default in fork mode', async () => {
    expect((await one({})).spec.scheduling).toBe('rr');
    expect((await one({ scheduling: 'none' })).spec.scheduling).toBe('none');
    expect((await one({ scheduling: 'rr', sticky: true })).spec).toMatchObject({ scheduling: 'rr', sticky: true });
    await expectConfigError(
      one({ scheduling: 3 }),
      /one\.json: app "a" \(apps\[0\]\): scheduling: must be "rr" or "none"$/,
    );
    await expectConfigError(one({ scheduling: 'RR' }), /scheduling: must be "rr" or "none"$/);
    await expectConfigError(
      one({ scheduling: 'none', sticky: true }),
      /app "a" \(apps\[0\]\): scheduling: "none" cannot go with sticky: true: sticky routing accepts every connection in the app primary, which none takes off the accept path; drop one of them$/,
    );
    const forked = await one({ scheduling: 'none', exec_mode: 'fork' });
    expect(forked.spec).toMatchObject({ execMode: 'fork', scheduling: 'rr' });
    expect(forked.notices).toContain(
      'a: scheduling applies to cluster mode only (fork-mode processes share no listening socket); not used',
    );
  });

  it('defaults: name from the script, cwd the config folder, logs under home', async () => {
    const p = write('defaults.json', JSON.stringify({ apps: [{ script: HELLO }] }));
    const spec = (await loadConfigFile(p, opts())).specs[0];
    expect(spec).toMatchObject({ name: 'hello', cwd: dir(), instances: 1, interpreter: process.execPath });
    expect(spec.logs.out).toBe(join(HOME, 'logs', 'hello-out.log'));
  });

  it('any name PM2 takes, with logs under its file form; instance_var as PM2 takes it', async () => {
    const p = write(
      'names.json',
      JSON.stringify({ apps: [{ name: 'NearBy Server', script: HELLO, instance_var: 'worker.id' }] }),
    );
    const spec = (await loadConfigFile(p, opts())).specs[0];
    expect(spec).toMatchObject({ name: 'NearBy Server', instanceVar: 'worker.id' });
    expect(spec.logs.out).toBe(join(HOME, 'logs', 'NearBy-Server-out.log'));
    expect(spec.logs.err).toBe(join(HOME, 'logs', 'NearBy-Server-err.log'));
  });

  it('script resolves against cwd, cwd against the file', async () => {
    const p = write('paths.json', JSON.stringify({ apps: [{ name: 'a', script: 'hello.js', cwd: FIXTURES }] }));
    expect((await loadConfigFile(p, opts())).specs[0]).toMatchObject({ script: HELLO, cwd: FIXTURES });
  });

  it('warns about unknown keys by name; log_date_format becomes the date format and turns the time on', async () => {
    const { spec, notices } = await one({ merge_logs: true, log_date_format: 'YYYY-MM-DD HH:mm Z' });
    expect(spec.logs).toMatchObject({ time: true, dateFormat: 'YYYY-MM-DD HH:mm Z' });
    expect(notices).toEqual([
      expect.stringContaining('app "a" (apps[0]): "merge_logs" is not a clusterctl option; ignored'),
    ]);
  });

  it('log_date_format "" is no format (as PM2 writes it); one with "|" or a newline is refused', async () => {
    expect((await one({ log_date_format: '' })).spec.logs).toMatchObject({ time: false, dateFormat: null });
    await expect(one({ log_date_format: 'HH|mm' })).rejects.toThrow(
      /apps\[0\]\): log_date_format: must not contain "\|"/,
    );
    await expect(one({ log_date_format: 'HH\nmm' })).rejects.toThrow(
      /log_date_format: must not contain control characters/,
    );
  });
});

describe('loadConfigFile: watch and cron_restart', () => {
  async function one(app: Record<string, unknown>) {
    const p = write('one.json', JSON.stringify({ apps: [{ name: 'a', script: HELLO, ...app }] }));
    return loadConfigFile(p, opts());
  }

  it('watch, ignore_watch, watch_delay, watch_options and cron_restart/cron_tz become the spec, with no notice', async () => {
    const { specs, notices } = await one({
      watch: ['src', 'lib'],
      ignore_watch: '*.tmp',
      watch_delay: '1s',
      watch_options: { usePolling: true, interval: 250 },
      cron_restart: '0 3 * * *',
      cron_tz: 'UTC',
    });
    expect(notices).toEqual([]);
    const dir = specs[0].cwd;
    expect(specs[0].watch).toEqual({
      paths: [`${dir}/src`, `${dir}/lib`],
      ignore: ['*.tmp'],
      delayMs: 1000,
      usePolling: true,
      interval: 250,
      followSymlinks: true,
    });
    expect(specs[0].cron).toEqual({ expr: '0 3 * * *', tz: 'UTC' });
    expect((await one({ watch: true })).specs[0].watch?.paths).toEqual([dir]);
    expect((await one({ watch: false })).specs[0].watch).toBeNull();
  });

  it('a bad expression, zone or watch option is one line naming the field', async () => {
    await expectConfigError(one({ cron_restart: '61 * * * *' }), /app "a" \(apps\[0\]\): cron_restart: .*minute/);
    await expectConfigError(one({ cron_restart: '0 3 * * *', cron_tz: 'Nowhere/X' }), /cron_tz: unknown time zone/);
    await expectConfigError(one({ watch_options: { awaitWriteFinish: true } }), /watch_options/);
    await expectConfigError(one({ watch: 3 }), /watch: must be true, false, a path or an array of paths/);
  });
});

describe('loadConfigFile: log_file, the combined log', () => {
  async function one(app: Record<string, unknown>) {
    const p = write('one.json', JSON.stringify({ apps: [{ name: 'a', script: HELLO, ...app }] }));
    return loadConfigFile(p, opts());
  }

  it('a path resolves against cwd, and a missing folder is created with a notice', async () => {
    const { specs, notices } = await one({ log_file: 'new-logs/combined.log' });
    expect(specs[0].logs.combined).toBe(join(dir(), 'new-logs', 'combined.log'));
    expect(existsSync(join(dir(), 'new-logs'))).toBe(true);
    expect(notices).toEqual([`log_file: created the log folder ${join(dir(), 'new-logs')}`]);
  });

  it('true is the default path under home, false or absent none; `log` is an alias; /dev/null is kept', async () => {
    expect((await one({ log_file: true })).specs[0].logs.combined).toBe(join(HOME, 'logs', 'a-combined.log'));
    expect((await one({ log_file: false })).specs[0].logs.combined).toBeNull();
    expect((await one({})).specs[0].logs.combined).toBeNull();
    expect((await one({ log: 'all.log' })).specs[0].logs.combined).toBe(join(dir(), 'all.log'));
    expect((await one({ log_file: '/dev/null' })).specs[0].logs.combined).toBe('/dev/null');
  });

  it('a number or an empty string is one line naming the field', async () => {
    await expectConfigError(
      one({ log_file: 42 }),
      /app "a" \(apps\[0\]\): log_file: must be a path, or true or false$/,
    );
    await expectConfigError(one({ log_file: '' }), /log_file: must not be empty/);
  });
});

describe('loadConfigFile: errors are one line naming file, app and field', () => {
  it('bad instances (the README example)', async () => {
    write(
      'ecosystem.config.js',
      `module.exports = { apps: [{ name: 'web', script: ${JSON.stringify(HELLO)} }, { name: 'api', script: ${JSON.stringify(HELLO)}, instances: 1.5 }] };`,
    );
    await expectConfigError(
      loadConfigFile('ecosystem.config.js', opts()),
      'ecosystem.config.js: app "api" (apps[1]): instances: must be a positive integer, "max" or a negative number',
    );
    write(
      'lots.config.js',
      `module.exports = { apps: [{ name: 'api', script: ${JSON.stringify(HELLO)}, instances: 'lots' }] };`,
    );
    await expectConfigError(
      loadConfigFile('lots.config.js', opts()),
      /apps\[0\]\): instances: must be a positive integer/,
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no script', { name: 'a' }, /app "a" \(apps\[0\]\): script: is required$/],
    [
      'bad exec_mode',
      { name: 'a', script: HELLO, exec_mode: 'turbo' },
      /exec_mode: must be "cluster", "cluster_mode", "fork" or "fork_mode"/,
    ],
    ['bad name', { name: 'a/b', script: HELLO }, /app "a\/b" \(apps\[0\]\): name: is not allowed: it contains "\/"/],
    [
      'bad size',
      { name: 'a', script: HELLO, max_memory_restart: '300Q' },
      /max_memory_restart: must be a number of bytes or a size such as "300M"/,
    ],
    [
      'bad duration',
      { name: 'a', script: HELLO, min_uptime: 'soon' },
      /min_uptime: must be a number of milliseconds or a duration/,
    ],
    ['bad boolean', { name: 'a', script: HELLO, wait_ready: 'yes' }, /wait_ready: must be true or false/],
    [
      'bad exit code',
      { name: 'a', script: HELLO, stop_exit_codes: [0, 300] },
      /stop_exit_codes: must be an exit code \(0-255\)/,
    ],
    ['bad signal', { name: 'a', script: HELLO, stop_signal: 'SIGSTOP' }, /stop_signal: must be one of SIGINT, SIGTERM/],
    ['unclosed quote', { name: 'a', script: HELLO, args: `--name 'oops` }, /args: has an unclosed quote/],
    [
      'increment_var without a number',
      { name: 'a', script: HELLO, increment_var: 'PORT' },
      /increment_var: PORT must be set to a whole number in env/,
    ],
    ['missing cwd', { name: 'a', script: HELLO, cwd: 'nowhere' }, /cwd: .*nowhere is not a directory/],
    [
      'unknown interpreter',
      { name: 'a', script: HELLO, interpreter: 'node-does-not-exist' },
      /interpreter: "node-does-not-exist": not installed \(no executable node-does-not-exist in PATH /,
    ],
    ['malformed probe URL', { name: 'a', script: HELLO, ready_url: 'nope' }, /ready_url: "nope": not a URL/],
  ])('%s', async (_what, app, expected) => {
    const p = write('bad.json', JSON.stringify({ apps: [app] }));
    const err = await expectConfigError(loadConfigFile(p, opts()), expected);
    expect(err.message.startsWith(`${p}: `)).toBe(true);
  });

  it('an entry without a name is named by its index', async () => {
    const p = write('idx.json', JSON.stringify({ apps: [{ script: HELLO, instances: 'x' }] }));
    await expectConfigError(
      loadConfigFile(p, opts()),
      `${p}: app apps[0]: instances: must be a positive integer, "max" or a negative number`,
    );
  });

  it('two names with one file form: refused with E_NAME_CLASH, naming both', async () => {
    const p = write(
      'clash.json',
      JSON.stringify({
        apps: [
          { name: 'my app', script: HELLO },
          { name: 'my-app', script: HELLO },
        ],
      }),
    );
    await expect(loadConfigFile(p, opts())).rejects.toMatchObject({
      code: 'E_NAME_CLASH',
      message: `${p}: app "my-app" (apps[1]): name "my-app" has the file form my-app of apps[0] "my app" (logs/my-app-out.log); rename one of them`,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['empty', '', /name: is not allowed: it is empty$/],
    ['with a newline', 'a\nb', /name: is not allowed: it contains a control character/],
  ])('a name %s', async (_what, name, expected) => {
    const p = write('badname.json', JSON.stringify({ apps: [{ name, script: HELLO }] }));
    await expectConfigError(loadConfigFile(p, opts()), expected);
  });

  it('an instance_var with "="', async () => {
    const p = write('iv.json', JSON.stringify({ apps: [{ name: 'a', script: HELLO, instance_var: 'A=B' }] }));
    await expectConfigError(loadConfigFile(p, opts()), /instance_var: must be a non-empty variable name without "="/);
  });

  it('duplicate names, including a name defaulted from the script', async () => {
    const p = write('dup.json', JSON.stringify({ apps: [{ script: HELLO }, { name: 'hello', script: HELLO }] }));
    await expectConfigError(
      loadConfigFile(p, opts()),
      `${p}: app "hello" (apps[1]): name: "hello" is already used by apps[0]; app names must be unique`,
    );
  });

  it.each<[string, string, string, RegExp]>([
    ['a missing file', 'nope.config.js', '', /nope\.config\.js: no such file$/],
    [
      'a JS syntax error',
      'syntax.config.js',
      'module.exports = { apps: [ { name: "a", }\n};',
      /syntax\.config\.js: cannot load: SyntaxError: [^\n]*$/,
    ],
    [
      'a JS file that throws',
      'throws.config.js',
      'throw new Error("boom");',
      /throws\.config\.js: cannot load: Error: boom( \(line 1\))?$/,
    ],
    ['invalid JSON', 'broken.json', '{ "apps": [ }', /broken\.json: invalid JSON: /],
    ['invalid YAML', 'broken.yaml', 'apps:\n  - name: a\n   script: x\n', /broken\.yaml: invalid YAML: /],
    ['no apps', 'none.json', '{ "deploy": {} }', /none\.json: has no "apps" array: there is nothing to start$/],
    ['empty apps', 'empty.yaml', 'apps: []\n', /empty\.yaml: "apps" is empty: there is nothing to start$/],
    ['apps not an array', 'obj.json', '{ "apps": { "name": "a" } }', /obj\.json: "apps" must be an array of apps$/],
    [
      'a top level that is not an object',
      'list.json',
      '[1, 2]',
      /list\.json: app apps\[0\]: must be an object with at least a "script"/,
    ],
    [
      'an app that is not an object',
      'str.json',
      '{ "apps": ["app.js"] }',
      /str\.json: app apps\[0\]: must be an object with at least a "script"$/,
    ],
    ['a name that is not a config file', 'app.txt', 'x', /app\.txt: is not a config file/],
  ])('%s', async (_what, name, content, expected) => {
    if (content !== '') write(name, content);
    await expectConfigError(loadConfigFile(name, opts()), expected);
  });
});
