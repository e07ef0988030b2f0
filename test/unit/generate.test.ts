/**
 * The pure parts of the generators: systemd quoting, which variables are
 * secrets, which belong to the caller's session, names as DNS labels, and
 * the one builder of `clusterctl run` command lines.
 */
import { portableEnv, isSecretVar, splitSecrets } from '../../src/cli/generate/app-env';
import type { SourcedApp } from '../../src/cli/generate/app-source';
import { k8sName, declaredPort } from '../../src/cli/generate/k8s-manifest';
import { runArgs, stopBudgetSeconds, uncarried } from '../../src/cli/generate/run-command';
import {
  envFileLine,
  environmentAssignment,
  execLine,
  quoteExecArg,
  unitValue,
} from '../../src/cli/generate/systemd-quote';
import { defaultSpec } from '../../src/config/defaults';

function app(env: Record<string, string> = {}): SourcedApp {
  const spec = defaultSpec('/h', 'api', '/srv/api/server.js', '/srv/api', env);
  return { spec, env, origin: { kind: 'daemon', home: '/h' } };
}

describe('systemd quoting', () => {
  it('leaves plain words alone and quotes the rest, doubling % and $ everywhere', () => {
    expect(quoteExecArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteExecArg('--name=api')).toBe('--name=api');
    expect(quoteExecArg('')).toBe('""');
    expect(quoteExecArg('two words')).toBe('"two words"');
    expect(quoteExecArg('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteExecArg('100%')).toBe('"100%%"');
    expect(quoteExecArg('$HOME')).toBe('"$$HOME"');
    expect(execLine(['/bin/echo', 'a b', 'c'])).toBe('/bin/echo "a b" c');
  });

  it('writes environment file values single-quoted, or double-quoted with escapes when they hold a quote', () => {
    expect(envFileLine('A', 'plain value $HOME "x"')).toBe(`A='plain value $HOME "x"'`);
    expect(envFileLine('B', `it's $x "y" \\ \``)).toBe('B="it\'s \\$x \\"y\\" \\\\ \\`"');
  });

  it('quotes Environment= assignments without touching $', () => {
    expect(environmentAssignment('HOME_DIR', '/a b/$c')).toBe('"HOME_DIR=/a b/$c"');
    expect(environmentAssignment('P', '/usr/bin:/bin')).toBe('P=/usr/bin:/bin');
    expect(unitValue('/srv/50%')).toBe('/srv/50%%');
  });
});

describe('app environments', () => {
  it('drops the variables of the session the app was started from', () => {
    const env = {
      PATH: '/bin',
      HOME: '/root',
      SSH_AUTH_SOCK: '/tmp/s',
      npm_config_x: '1',
      CLUSTERCTL_HOME: '/h',
      PORT: '3000',
      NODE_ENV: 'production',
    };
    expect(portableEnv(env)).toEqual({ PORT: '3000', NODE_ENV: 'production' });
  });

  it('treats secret-looking names, and URLs carrying user:password@, as secrets', () => {
    for (const name of [
      'API_TOKEN',
      'db_password',
      'PASSWD',
      'STRIPE_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'GH_CREDENTIALS',
      'PRIVATE_PEM',
      'AUTH_HEADER',
    ])
      expect(isSecretVar(name, 'x')).toBe(true);
    expect(isSecretVar('DATABASE_URL', 'postgres://app:hunter2@db:5432/app')).toBe(true);
    expect(isSecretVar('MONGO_URI', 'mongodb://root:pw@mongo/admin')).toBe(true);
    expect(isSecretVar('DATABASE_URL', 'postgres://db:5432/app')).toBe(false);
    expect(isSecretVar('HOMEPAGE', 'https://a:b@example.com')).toBe(false);
    expect(isSecretVar('PORT', '3000')).toBe(false);
    expect(splitSecrets({ PORT: '1', B_TOKEN: 't', A_KEY: 'k' })).toEqual({
      plain: { PORT: '1' },
      secretNames: ['A_KEY', 'B_TOKEN'],
    });
  });
});

describe('names and ports for Kubernetes', () => {
  it('turns app names into DNS-1123 labels', () => {
    expect(k8sName('Shop_API.v2')).toBe('shop-api-v2');
    expect(k8sName('-x-')).toBe('x');
    expect(k8sName('a'.repeat(80))).toHaveLength(63);
    expect(k8sName('NearBy Server')).toBe('nearby-server');
    expect(k8sName('日本語')).toMatch(/^app-[0-9a-f]{8}$/);
  });

  it('takes --port first, then a numeric PORT variable', () => {
    expect(declaredPort(app({ PORT: '3000' }), null)).toBe(3000);
    expect(declaredPort(app({ PORT: '3000' }), 8080)).toBe(8080);
    expect(declaredPort(app({ PORT: 'auto' }), null)).toBeNull();
    expect(declaredPort(app({}), null)).toBeNull();
  });
});

describe('the clusterctl run command line', () => {
  it('runs a config file app by file and name', () => {
    const a: SourcedApp = { ...app(), origin: { kind: 'config', file: '/srv/api/ecosystem.config.js' } };
    expect(runArgs(a, { mode: 'absolute', base: '/' })).toEqual([
      'run',
      '/srv/api/ecosystem.config.js',
      '--only',
      'api',
      '--stop-timeout',
      '14',
    ]);
    expect(runArgs(a, { mode: 'relative', base: '/srv/api' })).toEqual([
      'run',
      './ecosystem.config.js',
      '--only',
      'api',
      '--stop-timeout',
      '14',
    ]);
  });

  it('runs a daemon app by script with the options that differ from the defaults, then its arguments', () => {
    const a = app();
    Object.assign(a.spec, {
      instances: 4,
      killTimeout: 8000,
      nodeArgs: ['--max-old-space-size=512', '--title=a b'],
      waitReady: true,
      autorestart: false,
      stopExitCodes: [0, 42],
      maxMemoryRestart: 268435456,
      incrementVar: 'PORT',
      args: ['--verbose'],
    });
    expect(runArgs(a, { mode: 'relative', base: '/srv' })).toEqual([
      'run',
      './api/server.js',
      '--name',
      'api',
      '-i',
      '4',
      '--node-args',
      '--max-old-space-size=512 "--title=a b"',
      '--kill-timeout',
      '8000',
      '--wait-ready',
      '--no-autorestart',
      '--stop-exit-codes',
      '0,42',
      '--max-memory-restart',
      '268435456',
      '--increment-var',
      'PORT',
      '--stop-timeout',
      '20',
      '--',
      '--verbose',
    ]);
    expect(runArgs(app(), { mode: 'absolute', base: '/' })).toEqual([
      'run',
      '/srv/api/server.js',
      '--name',
      'api',
      '-i',
      '1',
      '--stop-timeout',
      '14',
    ]);
    const logged = app();
    logged.spec.logs.combined = '/var/log/api/all.log';
    expect(runArgs(logged, { mode: 'absolute', base: '/' })).toContain('--log');
    expect(runArgs(logged, { mode: 'absolute', base: '/' })).toContain('/var/log/api/all.log');
    expect(runArgs(logged, { mode: 'relative', base: '/srv' })).not.toContain('--log');
    expect(stopBudgetSeconds(a.spec)).toBe(21);
  });

  it('carries the mode, a non-Node interpreter, readiness, routing, custom log files, rotation, watch and cron', () => {
    const a = app();
    Object.assign(a.spec, {
      script: '/srv/api/server.py',
      execMode: 'fork',
      execInterpreter: '/usr/bin/python3',
      interpreterArgs: ['-u'],
      readyLog: 'listening on',
      shutdownWithMessage: true,
      sticky: true,
      watch: {
        paths: ['/srv/api'],
        ignore: ['*.tmp'],
        delayMs: 500,
        usePolling: false,
        interval: 1000,
        followSymlinks: true,
      },
      cron: { expr: '0 3 * * *', tz: 'UTC' },
    });
    a.spec.logs = {
      ...a.spec.logs,
      out: '/var/log/api.out',
      err: '/dev/null',
      maxSize: 2097152,
      retain: 3,
      compress: true,
    };
    expect(runArgs(a, { mode: 'absolute', base: '/' }).slice(6, -2)).toEqual([
      '--interpreter',
      '/usr/bin/python3',
      '--interpreter-args',
      '-u',
      '--exec-mode',
      'fork',
      '--ready-log',
      'listening on',
      '--shutdown-with-message',
      '--sticky',
      '--out',
      '/var/log/api.out',
      '--err',
      '/dev/null',
      '--log-max-size',
      '2097152',
      '--log-retain',
      '3',
      '--log-compress',
      '--watch',
      '--ignore-watch',
      '*.tmp',
      '--watch-delay',
      '500',
      '--cron-restart',
      '0 3 * * *',
      '--cron-tz',
      'UTC',
    ]);
    // In an image: the interpreter by name, no file of this machine, but /dev/null; watched paths relative.
    a.spec.watch = {
      ...(a.spec.watch ?? { ignore: [], delayMs: 300, usePolling: false, interval: 1000, followSymlinks: true }),
      paths: ['/srv/api/lib'],
    };
    const image = runArgs(a, { mode: 'relative', base: '/srv/api' });
    expect(image).toEqual(
      expect.arrayContaining(['--interpreter', 'python3', '--err', '/dev/null', '--watch', './lib']),
    );
    expect(image).not.toContain('--out');
    expect(image).not.toContain('/usr/bin/python3');
  });

  it("leaves out the home's default log files, and says which watch options a command line cannot carry", () => {
    const a = app();
    expect(a.spec.logs.out).toBe('/h/logs/api-out.log');
    expect(runArgs(a, { mode: 'absolute', base: '/' })).not.toContain('--out');
    expect(runArgs(a, { mode: 'absolute', base: '/' })).not.toContain('--err');
    expect(uncarried(a.spec)).toEqual([]);
    a.spec.watch = {
      paths: ['/srv/api'],
      ignore: [],
      delayMs: 300,
      usePolling: true,
      interval: 2000,
      followSymlinks: true,
    };
    expect(uncarried(a.spec)).toEqual([
      "api: watch_options (usePolling, interval) have no command-line flag and are not carried; export the app's config file instead to keep them",
    ]);
  });

  it('carries --scheduling none, and nothing for the default rr', () => {
    const a = app();
    a.spec.scheduling = 'none';
    expect(runArgs(a, { mode: 'absolute', base: '/' })).toEqual([
      'run',
      '/srv/api/server.js',
      '--name',
      'api',
      '-i',
      '1',
      '--scheduling',
      'none',
      '--stop-timeout',
      '14',
    ]);
    expect(runArgs(a, { mode: 'relative', base: '/srv' })).toContain('--scheduling');
    expect(runArgs(app(), { mode: 'absolute', base: '/' })).not.toContain('--scheduling');
  });
});
