/**
 * PM2 ecosystem files as people write them, against a real daemon: a bare
 * array of apps, a log folder that does not exist yet, `port`, env values
 * that are undefined, objects or numbers, PM2's log-file aliases and fork
 * mode spelled `fork_mode`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { waitFor } from '../helpers/wait';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

test('an ecosystem file with PM2 conveniences starts as PM2 would, each one with its own effect', async () => {
  const port = await freePort();
  const file = join(sb.home, 'ecosystem.config.js');
  writeFileSync(
    file,
    `module.exports = [
  {
    name: 'env-app',
    script: ${JSON.stringify(join(FIXTURES, 'reports-env.js'))},
    port: ${port},
    output: './new-logs/deep/out.log',
    err_file: './new-logs/deep/err.log',
    env: { OBJ: { a: true }, COUNT: 3, FLAG: false, GONE: undefined },
  },
  { name: 'ticks', script: ${JSON.stringify(join(FIXTURES, 'fork', 'prints-ticks.sh'))}, exec_mode: 'fork_mode', min_uptime: '300ms' },
];
`,
  );
  const r = await sb.cli(['start', file]);
  expect(r.code).toBe(0);
  // The unset variable and the created folder are each named in a notice.
  expect(r.stderr).toMatch(/env\.GONE is undefined; GONE is left unset/);
  expect(r.stderr).toMatch(/created the log folder .*new-logs\/deep/);
  expect(existsSync(join(sb.home, 'new-logs', 'deep'))).toBe(true);

  // PORT comes from `port`: the app listens there.
  const res = await waitFor(() => httpGet(port).catch(() => null));
  const { env } = JSON.parse(res.body) as { env: Record<string, string | undefined> };
  expect(env.PORT).toBe(String(port));
  expect(env.OBJ).toBe('{"a":true}');
  expect(env.COUNT).toBe('3');
  expect(env.FLAG).toBe('false');
  expect('GONE' in env).toBe(false);

  // output / err_file are the out and err logs.
  await waitFor(() => existsSync(join(sb.home, 'new-logs', 'deep', 'out.log')));
  const apps = await sb.list();
  expect(apps.map((a) => a.name).sort()).toEqual(['env-app', 'ticks']);
  const ticks = apps.find((a) => a.name === 'ticks') as unknown as { spec: { execMode: string } };
  expect(ticks.spec.execMode).toBe('fork');
  await waitFor(() => {
    try {
      return readFileSync(join(sb.home, 'logs', 'ticks-out.log'), 'utf8').includes('bash started instance 0');
    } catch {
      return false;
    }
  });
});

test('an unknown exec_mode is refused with one line, nothing started', async () => {
  const file = join(sb.home, 'bad.config.js');
  writeFileSync(
    file,
    `module.exports = { apps: [{ name: 'a', script: ${JSON.stringify(join(FIXTURES, 'hello.js'))}, exec_mode: 'turbo' }] };\n`,
  );
  const r = await sb.cli(['start', file]);
  expect(r.code).not.toBe(0);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/exec_mode: must be "cluster", "cluster_mode", "fork" or "fork_mode"/);
});
