/**
 * `clusterctl export systemd` and `export k8s`, from a config file and from
 * an app the daemon runs: units pass `systemd-analyze verify`, the
 * environment lives only in a 0600 file beside them, the Kubernetes objects
 * validate against the API schemas (kubernetes-models), and no secret value
 * is ever printed. Bad input is one line, a non-zero exit and no file.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { parseAllDocuments } from 'yaml';
import type { AppSpec } from '../../src/protocol/types';
import { freePort } from '../helpers/net';
import { killTree, startRun } from '../helpers/runner';
import { BIN, createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

const SECRETS = ['pw-h6-aaa', 'tok-h6-bbb', 'pw-h6-ccc', 'sess-h6-fff'];
const PLAIN = ['h6-ddd.example.com', 'jobs-h6-eee', 'it\'s "q" $HOME 50%'];

const CONFIG = `module.exports = {
  apps: [
    {
      name: 'api',
      script: './server.js',
      instances: 2,
      kill_timeout: 8000,
      max_memory_restart: '256M',
      env: {
        PORT: 3000,
        NODE_ENV: 'production',
        DB_PASSWORD: 'pw-h6-aaa',
        API_TOKEN: 'tok-h6-bbb',
        DATABASE_URL: 'postgres://app:pw-h6-ccc@db:5432/app',
        PUBLIC_URL: 'https://h6-ddd.example.com/',
        QUOTED: ${JSON.stringify(PLAIN[2])},
      },
    },
    { name: 'worker', script: './server.js', env: { QUEUE: 'jobs-h6-eee' } },
  ],
};
`;

function verify(path: string): string {
  const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  // verify exits 0 on warnings too: any line naming the unit is a complaint.
  return `${r.stdout}${r.stderr}`
    .split('\n')
    .filter((l) => l.includes(path))
    .join('\n');
}

function field(unit: string, key: string): string[] {
  return [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
}

/** The words of an ExecStart= line as the program receives them (systemd's quoting, as systemd-quote.ts writes it). */
function execWords(line: string): string[] {
  const unescape = (w: string): string => w.replace(/%%/g, '%').replace(/\$\$/g, '$');
  const unquote = (w: string): string =>
    w.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => {
    const [, quoted, plain] = m as unknown as [string, string | undefined, string | undefined];
    return unescape(quoted !== undefined ? unquote(quoted) : (plain ?? ''));
  });
}

/** What a `run` must reproduce of a daemon app's spec (its err log goes to run's stderr by design). */
function carried(s: AppSpec): Record<string, unknown> {
  const { out, time, format, maxSize, retain, compress } = s.logs;
  return {
    ...Object.fromEntries(
      (
        [
          'instances',
          'execMode',
          'execInterpreter',
          'interpreterArgs',
          'readyLog',
          'sticky',
          'shutdownWithMessage',
          'scheduling',
          'killTimeout',
          'watch',
          'cron',
          'args',
        ] as const
      ).map((k) => [k, s[k]]),
    ),
    logs: { out, time, format, maxSize, retain, compress },
  };
}

type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };

describe('clusterctl export', () => {
  let sb: Sandbox;
  let dir: string;
  let config: string;
  let webPort: number;

  beforeAll(async () => {
    sb = createSandbox();
    dir = mkdtempSync(join(tmpdir(), 'clusterctl-export-'));
    config = join(dir, 'app.config.js');
    writeFileSync(config, CONFIG);
    copyFileSync(join(FIXTURES, 'reports-env.js'), join(dir, 'server.js'));
    webPort = await freePort();
    await sb.ok([
      'start',
      join(FIXTURES, 'reports-env.js'),
      '--name',
      'web',
      '-i',
      '2',
      '--kill-timeout',
      '3000',
      '--env',
      `PORT=${webPort}`,
      '--env',
      'SESSION_SECRET=sess-h6-fff',
      '--',
      '--verbose',
    ]);
  });
  afterAll(async () => {
    await sb.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('systemd from a config file: one verified unit and one 0600 env file per app, no value in the unit', async () => {
    const out = join(dir, 'units');
    mkdirSync(out);
    const r = await sb.ok(['export', 'systemd', 'app.config.js', '--dir', out], { cwd: dir });
    expect(r.stdout).toContain(`wrote ${join(out, 'api.service')} and ${join(out, 'api.env')} (0600)`);
    expect(r.stdout).toContain(`systemctl enable --now ${join(out, 'worker.service')}`);
    expect(readdirSync(out).sort()).toEqual(['api.env', 'api.service', 'worker.env', 'worker.service']);
    for (const name of ['api', 'worker']) {
      expect(verify(join(out, `${name}.service`))).toBe('');
      expect(statSync(join(out, `${name}.env`)).mode & 0o777).toBe(0o600);
      const unit = readFileSync(join(out, `${name}.service`), 'utf8');
      for (const value of [...SECRETS, ...PLAIN]) expect(unit).not.toContain(value);
      const [exec] = field(unit, 'ExecStart');
      expect(exec.startsWith(`${process.execPath} ${BIN} run ${config} --only ${name} --stop-timeout `)).toBe(true);
      expect(exec).toMatch(/ --stop-timeout \d+$/);
      expect(field(unit, 'EnvironmentFile')).toEqual([join(out, `${name}.env`)]);
      expect(field(unit, 'WorkingDirectory')).toEqual([dir]);
    }
    const api = readFileSync(join(out, 'api.service'), 'utf8');
    expect([field(api, 'Type'), field(api, 'KillMode'), field(api, 'Restart'), field(api, 'TimeoutStopSec')]).toEqual([
      ['exec'],
      ['mixed'],
      ['on-failure'],
      ['21'],
    ]);
    expect(field(api, 'ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(field(api, 'User')).toEqual(['root']);
    const env = readFileSync(join(out, 'api.env'), 'utf8');
    expect(env).toContain("DB_PASSWORD='pw-h6-aaa'\n");
    expect(env).toContain('QUOTED="it\'s \\"q\\" \\$HOME 50%"\n');
    expect(env).toContain("PORT='3000'\n");
  });

  it('systemd for a name with a space and a %: the unit file is named by its file form, and verifies', async () => {
    const out = join(dir, 'units-names');
    mkdirSync(out);
    const named = join(dir, 'named.config.js');
    writeFileSync(named, `module.exports = { apps: [{ name: 'NearBy Server 50%', script: './server.js' }] };\n`);
    const r = await sb.ok(['export', 'systemd', named, '--dir', out]);
    expect(r.stdout).toContain(
      `wrote ${join(out, 'NearBy-Server-50.service')} and ${join(out, 'NearBy-Server-50.env')}`,
    );
    expect(readdirSync(out).sort()).toEqual(['NearBy-Server-50.env', 'NearBy-Server-50.service']);
    const path = join(out, 'NearBy-Server-50.service');
    expect(verify(path)).toBe('');
    const unit = readFileSync(path, 'utf8');
    expect(field(unit, 'Description')).toEqual(['NearBy Server 50%% (1 instance, clusterctl run)']);
    expect(field(unit, 'ExecStart')[0]).toContain(' --only "NearBy Server 50%%" ');
  });

  it('systemd refuses to replace files (exit 1, nothing changed) unless --force, which keeps the env file 0600', async () => {
    const out = join(dir, 'units');
    chmodSync(join(out, 'api.env'), 0o644);
    writeFileSync(join(out, 'worker.service'), 'mine\n');
    const r = await sb.cli(['export', 'systemd', config, '--dir', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/already exist; nothing written \(--force replaces them\)/);
    expect(readFileSync(join(out, 'worker.service'), 'utf8')).toBe('mine\n');
    await sb.ok(['export', 'systemd', config, '--dir', out, '--force']);
    expect(readFileSync(join(out, 'worker.service'), 'utf8')).toMatch(/^# Written by `clusterctl export systemd`/);
    expect(statSync(join(out, 'api.env')).mode & 0o777).toBe(0o600);
  });

  it('systemd from a daemon app: run <script> with its options and arguments, only its own variables, --user', async () => {
    const out = join(dir, 'user-units');
    mkdirSync(out);
    await sb.ok(['export', 'systemd', 'web', '--dir', out, '--user']);
    const unit = readFileSync(join(out, 'web.service'), 'utf8');
    expect(verify(join(out, 'web.service'))).toBe('');
    expect(field(unit, 'ExecStart')).toEqual([
      `${process.execPath} ${BIN} run ${join(FIXTURES, 'reports-env.js')} --name web -i 2 --kill-timeout 3000 --stop-timeout 10 -- --verbose`,
    ]);
    expect(field(unit, 'User')).toEqual([]);
    expect(field(unit, 'WantedBy')).toEqual(['default.target']);
    expect(field(unit, 'TimeoutStopSec')).toEqual(['11']);
    expect(unit).not.toContain('sess-h6-fff');
    const env = readFileSync(join(out, 'web.env'), 'utf8');
    expect(env).toContain(`PORT='${webPort}'\n`);
    expect(env).toContain("SESSION_SECRET='sess-h6-fff'\n");
    expect(env).not.toMatch(/^(PATH|HOME|CLUSTERCTL_HOME)=/m);
  });

  it('systemd carries --scheduling none into the run command line, and the unit verifies', async () => {
    const out = join(dir, 'sched-units');
    mkdirSync(out);
    const hello = join(FIXTURES, 'hello.js');
    await sb.ok(['start', hello, '--name', 'nosched', '--scheduling', 'none', '--env', `PORT=${await freePort()}`]);
    try {
      await sb.ok(['export', 'systemd', 'nosched', '--dir', out]);
      expect(verify(join(out, 'nosched.service'))).toBe('');
      expect(field(readFileSync(join(out, 'nosched.service'), 'utf8'), 'ExecStart')).toEqual([
        `${process.execPath} ${BIN} run ${hello} --name nosched -i 1 --scheduling none --stop-timeout 14`,
      ]);
    } finally {
      await sb.cli(['delete', 'nosched']);
    }
  });

  it('systemd from a daemon app carries what it was started with: its ExecStart, run, gives the same spec', async () => {
    const out = join(dir, 'full-units');
    const watched = join(dir, 'watched');
    mkdirSync(out);
    mkdirSync(watched);
    const record = join(dir, 'record.txt');
    const starts: Record<string, string[]> = {
      full: [
        join(FIXTURES, 'shutdown-message.js'),
        '--name',
        'full',
        '-i',
        '2',
        '--sticky',
        '--shutdown-with-message',
        '--out',
        join(dir, 'full.out'),
        '--time',
        '--log-max-size',
        '2M',
        '--log-retain',
        '3',
        '--log-compress',
        '--watch',
        watched,
        '--ignore-watch',
        '*.tmp',
        '--watch-delay',
        '500',
        '--cron-restart',
        '0 3 * * *',
        '--cron-tz',
        'UTC',
      ],
      py: [
        join(FIXTURES, 'fork', 'serves-http.py'),
        '--name',
        'py',
        '--interpreter-args',
        '-u',
        '--ready-log',
        'python listening',
        // A value with spaces, as a PM2 log_date_format has: quoted in ExecStart, the same after run.
        '--log-date-format',
        'YYYY-MM-DD HH:mm Z',
      ],
    };
    const runSb = createSandbox('export-run-');
    try {
      for (const [name, args] of Object.entries(starts)) {
        await sb.ok(['start', ...args, '--env', `PORT=${await freePort()}`, '--env', `RECORD=${record}`]);
        await sb.ok(['export', 'systemd', name, '--dir', out]);
        expect(verify(join(out, `${name}.service`))).toBe('');
        const words = execWords(field(readFileSync(join(out, `${name}.service`), 'utf8'), 'ExecStart')[0] ?? '');
        expect(words.slice(0, 3)).toEqual([process.execPath, BIN, 'run']);
        const want = carried(
          ((await sb.list()) as unknown as Array<{ name: string; spec: AppSpec }>).find((a) => a.name === name)
            ?.spec as AppSpec,
        );
        // The home's default log files are not carried (run has no home for them): its lines go to the journal.
        if (name === 'py') want.logs = { ...(want.logs as object), out: '/dev/stdout' };
        // The unit's command line, run in a home of its own on another port.
        const run = startRun(words.slice(3), { ...runSb.env, PORT: String(await freePort()), RECORD: record });
        try {
          await waitFor(() => existsSync(join(runSb.home, 'daemon.sock')), { what: 'run serving daemon.sock' });
          const got = await waitFor(
            async () => {
              const app = (
                (await runSb.list()) as unknown as Array<{ name: string; status: string; spec: AppSpec }>
              ).find((a) => a.name === name);
              return app?.status === 'online' ? app.spec : null;
            },
            { timeoutMs: 30000, what: `${name} online under run` },
          );
          expect(carried(got)).toEqual(want);
          run.child.kill('SIGTERM');
          expect((await run.exitWithin(20000)).code).toBe(0);
        } finally {
          killTree(run.child.pid);
        }
        await sb.cli(['delete', name]);
      }
    } finally {
      await runSb.cleanup();
    }
  });

  it('a daemon app with watch_options: the unit cannot carry them, and stderr says so in one line', async () => {
    const out = join(dir, 'polled-units');
    const polled = join(dir, 'polled');
    mkdirSync(out);
    mkdirSync(polled);
    const file = join(polled, 'polled.config.js');
    const app = {
      name: 'polled',
      script: join(FIXTURES, 'hello.js'),
      watch: [polled],
      watch_options: { usePolling: true },
    };
    writeFileSync(
      file,
      `module.exports = { apps: [${JSON.stringify({ ...app, env: { PORT: await freePort() } })}] };\n`,
    );
    await sb.ok(['start', file]);
    try {
      const r = await sb.cli(['export', 'systemd', 'polled', '--dir', out]);
      expect(r.code).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes('watch_options'))).toEqual([
        "clusterctl: polled: watch_options (usePolling) have no command-line flag and are not carried; export the app's config file instead to keep them",
      ]);
      // It watches its cwd (the file's folder): a bare --watch, under the unit's WorkingDirectory.
      const unit = readFileSync(join(out, 'polled.service'), 'utf8');
      expect(field(unit, 'ExecStart')[0]).toContain(' --watch --stop-timeout ');
      expect(field(unit, 'WorkingDirectory')).toEqual([polled]);
    } finally {
      await sb.cli(['delete', 'polled']);
    }
  });

  it('systemd: an unknown app, a missing file or folder is one line, a non-zero exit and no file', async () => {
    const out = join(dir, 'empty');
    mkdirSync(out);
    const cases: Array<[string[], number, RegExp]> = [
      [['nope'], 1, /^clusterctl: no app named nope \(the daemon has: web\)\n$/],
      [['missing.config.js'], 2, /missing\.config\.js: no such file/],
      [['web', '--dir', join(dir, 'no-such-dir')], 2, /no such folder/],
      [['a/b'], 2, /neither an app name nor a config file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await sb.cli(['export', 'systemd', ...args, ...(args.includes('--dir') ? [] : ['--dir', out])], {
        cwd: dir,
      });
      expect([r.code, r.stdout]).toEqual([code, '']);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('k8s from a config file: objects that validate, secrets only as secretKeyRefs, never their values', async () => {
    const r = await sb.ok(
      ['export', 'k8s', 'app.config.js', '--image', 'registry.example.com/api:1.4.2', '--replicas', '3'],
      { cwd: dir },
    );
    for (const value of SECRETS) expect(`${r.stdout}${r.stderr}`).not.toContain(value);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/api-env',
      'Deployment/api',
      'Service/api',
      'ConfigMap/worker-env',
      'Deployment/worker',
    ]);
    for (const doc of docs) {
      const Model = doc.kind === 'Deployment' ? Deployment : doc.kind === 'Service' ? Service : ConfigMap;
      expect(() => new Model(doc as never).validate()).not.toThrow();
    }
    expect(docs[0]?.data).toEqual({
      PORT: '3000',
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://h6-ddd.example.com/',
      QUOTED: PLAIN[2],
    });
    const deployment = docs[1]?.spec as { replicas: number; template: { spec: Record<string, unknown> } };
    expect(deployment.replicas).toBe(3);
    const pod = deployment.template.spec as {
      terminationGracePeriodSeconds: number;
      containers: Array<Record<string, unknown>>;
    };
    expect(pod.terminationGracePeriodSeconds).toBe(26);
    const c = pod.containers[0];
    expect(c.command).toEqual(['clusterctl']);
    expect(c.args).toEqual([
      'run',
      './app.config.js',
      '--only',
      'api',
      '--stop-timeout',
      '20',
      '--http',
      '0.0.0.0:9615',
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '2', memory: '640Mi' }, limits: { cpu: '2', memory: '640Mi' } });
    expect(c.env).toEqual(
      ['API_TOKEN', 'DATABASE_URL', 'DB_PASSWORD', 'CLUSTERCTL_HTTP_TOKEN'].map((key) => ({
        name: key,
        valueFrom: { secretKeyRef: { name: 'api', key } },
      })),
    );
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'health' } });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'health' } });
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['node', '-e', 'setTimeout(() => {}, 5000)'] } } });
    expect((docs[2]?.spec as { ports: unknown[] }).ports).toEqual([
      { name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(r.stderr).toContain('worker: no port (--port or a PORT variable): no Service written');
    expect(r.stderr).toContain(
      'kubectl create secret generic api --from-literal=API_TOKEN=... --from-literal=DATABASE_URL=... --from-literal=DB_PASSWORD=...',
    );
  });

  it('k8s from a daemon app: --port for the Service, run <script> with its options, no session variables', async () => {
    const r = await sb.ok(['export', 'k8s', 'web', '--image', 'web:1', '--port', '8080'], { cwd: FIXTURES });
    expect(r.stdout).not.toContain('sess-h6-fff');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Deployment', 'Service']);
    for (const doc of docs) {
      const Model = doc.kind === 'Deployment' ? Deployment : doc.kind === 'Service' ? Service : ConfigMap;
      expect(() => new Model(doc as never).validate()).not.toThrow();
    }
    // Only what `start --env` gave: what it shares with this shell stays behind, named on stderr.
    expect(docs[0]?.data).toEqual({ PORT: String(webPort) });
    expect(r.stderr).toMatch(/^clusterctl: web: left out \d+ variables it shares with this shell \(/m);
    expect(r.stdout).toContain('key: SESSION_SECRET\n');
    const text = r.stdout;
    expect(text).toContain('- ./reports-env.js\n');
    expect(text).toContain('- --kill-timeout\n');
    expect(text).toContain('port: 8080\n');
  });

  it('a primary group: systemd carries --primary-group; k8s says in one line that a pod does not', async () => {
    await sb.ok(['start', join(FIXTURES, 'never-listens.js'), '--name', 'grouped', '--primary-group', 'shared']);
    try {
      const out = join(dir, 'group-units');
      mkdirSync(out);
      await sb.ok(['export', 'systemd', 'grouped', '--dir', out]);
      expect(verify(join(out, 'grouped.service'))).toBe('');
      expect(field(readFileSync(join(out, 'grouped.service'), 'utf8'), 'ExecStart')[0]).toContain(
        ' --name grouped -i 1 --primary-group shared ',
      );
      const r = await sb.ok(['export', 'k8s', 'grouped', '--image', 'grouped:1'], { cwd: FIXTURES });
      expect(r.stdout).not.toContain('primary-group');
      expect(r.stderr.split('\n').filter((l) => l.includes('primary group'))).toEqual([
        'clusterctl: grouped: primary group shared is not carried: each app is its own pod, with a primary of its own',
      ]);
    } finally {
      await sb.ok(['delete', 'grouped']);
    }
  });

  it('k8s: bad --replicas, --port or --image, a missing --image or an unknown app: one line, exit non-zero, no output', async () => {
    const cases: Array<[string[], number]> = [
      [['web', '--image', 'x:1', '--replicas', 'two'], 2],
      [['web', '--image', 'x:1', '--replicas', '-1'], 2],
      [['web', '--image', 'x:1', '--replicas', '1001'], 2],
      [['web', '--image', 'x:1', '--port', '70000'], 2],
      [['web', '--image', 'has space'], 2],
      [['web'], 2],
      [['nope', '--image', 'x:1'], 1],
    ];
    for (const [args, code] of cases) {
      const r = await sb.cli(['export', 'k8s', ...args]);
      expect([args, r.code, r.stdout]).toEqual([args, code, '']);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^clusterctl: /);
    }
  });

  it('--help of each shows an example', async () => {
    expect((await sb.ok(['export', 'systemd', '--help'])).stdout).toMatch(
      /\$ clusterctl export systemd ecosystem\.config\.js/,
    );
    expect((await sb.ok(['export', 'k8s', '--help'])).stdout).toMatch(/\$ clusterctl export k8s api --image/);
    expect(existsSync(join(dir, 'web.service'))).toBe(false);
  });
});
