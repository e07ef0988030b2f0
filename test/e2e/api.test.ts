/**
 * The programmatic API as a user imports it: `import { connect } from
 * 'clusterctl'` (ESM) and `require('clusterctl')` (CommonJS), resolved through
 * node_modules to this package's compiled entry point.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, FIXTURES, ROOT, runNode, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { useTempDir } from '../helpers/tmp';
import { anyNumber } from '../helpers/match';

describe('import { connect } from "clusterctl"', () => {
  let sb: Sandbox;
  const project = useTempDir('api-', { scope: 'all' });
  beforeAll(() => {
    sb = createSandbox();
    mkdirSync(join(project(), 'node_modules'));
    symlinkSync(ROOT, join(project(), 'node_modules', 'clusterctl'));
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('ESM: connect starts the daemon, start/list/scale/reload/stop work, errors carry codes', async () => {
    const port = await freePort();
    writeFileSync(
      join(project(), 'use.mjs'),
      `
      import { connect, specFromFlags, ClusterctlError } from 'clusterctl';
      const client = await connect();
      const out = { startedDaemon: client.startedDaemon, daemonPid: client.daemon.pid };
      const spec = specFromFlags(${JSON.stringify(join(FIXTURES, 'hello.js'))}, [], { instances: '2', name: 'api-app', env: ['PORT=${port}'] },
        { home: process.env.CLUSTERCTL_HOME, cwd: process.cwd(), env: process.env });
      const started = await client.start({ spec });
      out.started = started.workers.map((w) => w.status);
      const scaled = await client.scale({ name: 'api-app', target: { mode: 'relative', value: 1 } });
      out.scaled = scaled.workers.map((w) => w.instance).sort();
      const progress = [];
      await client.reload({ target: 'api-app', options: { parallel: 3 } }, { onProgress: (p) => progress.push(p.step) });
      out.progressSteps = [...new Set(progress)].sort();
      out.listed = (await client.list()).map((a) => [a.name, a.status]);
      try {
        await client.describe({ name: 'nope' });
      } catch (err) {
        out.error = [err instanceof ClusterctlError, err.code];
      }
      out.stopped = (await client.stop({ target: 'api-app' })).map((a) => a.status);
      client.close();
      console.log(JSON.stringify(out));
    `,
    );
    const r = await runNode([join(project(), 'use.mjs')], { env: sb.env, cwd: project() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      startedDaemon: true,
      daemonPid: anyNumber(),
      started: ['online', 'online'],
      scaled: [0, 1, 2],
      progressSteps: ['replaced', 'replacing'],
      listed: [['api-app', 'online']],
      error: [true, 'E_APP_NOT_FOUND'],
      stopped: ['stopped'],
    });
  });

  it('CommonJS: require("clusterctl") gives the same client', async () => {
    writeFileSync(
      join(project(), 'use.cjs'),
      `
      const { connect } = require('clusterctl');
      connect().then(async (client) => {
        const info = await client.ping();
        console.log(JSON.stringify({ pid: info.pid, apps: (await client.list()).map((a) => a.name) }));
        client.close();
      });
    `,
    );
    const r = await runNode([join(project(), 'use.cjs')], { env: sb.env, cwd: project() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ pid: anyNumber(), apps: ['api-app'] });
  });
});
