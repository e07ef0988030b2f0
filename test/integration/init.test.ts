/**
 * `clusterctl init`: the starter file it writes is one `clusterctl start`
 * runs as it is (every field known, no warning), with the name and script
 * taken from package.json; it never overwrites a file, and bad input changes
 * nothing.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_APP_KEYS } from '../../src/config/file/schema';
import { freePort, httpGet } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

describe('clusterctl init', () => {
  let sb: Sandbox;
  let dir: string;

  beforeAll(() => {
    sb = createSandbox();
    dir = mkdtempSync(join(tmpdir(), 'clusterctl-init-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/shop-api', main: 'server.js' }));
    copyFileSync(join(FIXTURES, 'reports-env.js'), join(dir, 'server.js'));
  });
  afterAll(async () => {
    await sb.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes ecosystem.config.js with the name and main of package.json, only fields clusterctl knows', async () => {
    const r = await sb.ok(['init'], { cwd: dir });
    expect(r.stdout).toBe(
      'wrote ecosystem.config.js (app "shop-api", script ./server.js)\nstart it with: clusterctl start ecosystem.config.js\n',
    );
    const file = join(dir, 'ecosystem.config.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(file) as { apps: Array<Record<string, unknown>> };
    expect(config.apps).toHaveLength(1);
    const entry = config.apps[0];
    expect(entry).toMatchObject({ name: 'shop-api', script: './server.js', exec_mode: 'cluster', instances: 'max' });
    const unknown = Object.keys(entry).filter((k) => !KNOWN_APP_KEYS.has(k) && !k.startsWith('env_'));
    expect(unknown).toEqual([]);
    expect(readFileSync(file, 'utf8')).toMatch(/^\/\/ Config file for clusterctl \(and PM2\)/);
  });

  it('starts as it is: every instance online, the env_production block applied, no warning', async () => {
    const port = await freePort();
    const r = await sb.ok(['start', 'ecosystem.config.js', '--env', 'production'], {
      cwd: dir,
      env: { PORT: String(port) },
    });
    expect(r.stderr).toBe('');
    const apps = await sb.list();
    expect(apps.map((a) => a.name)).toEqual(['shop-api']);
    const workers = apps[0]?.workers ?? [];
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.every((w) => w.status === 'online')).toBe(true);
    const res = await waitFor(() => httpGet(port), { what: 'the app to answer' });
    const body = JSON.parse(res.body) as { env: Record<string, string> };
    expect(body.env.NODE_ENV).toBe('production');
    expect(body.env.PORT).toBe(String(port));
  });

  it('refuses to overwrite an existing file: one line, exit 1, the file unchanged', async () => {
    const file = join(dir, 'ecosystem.config.js');
    const before = readFileSync(file, 'utf8');
    const r = await sb.cli(['init'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`clusterctl: ${file} already exists; left as it is (give another file name)\n`);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('the ecosystem alias writes another file name; a name clusterctl would not read is refused', async () => {
    const r = await sb.ok(['ecosystem', 'staging.config.js'], { cwd: dir });
    expect(r.stdout).toMatch(/^wrote staging\.config\.js /);
    const bad = await sb.cli(['init', 'notes.txt'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await sb.cli(['init', 'no/such/dir/app.config.js'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such folder/);
  });

  it('in a "type": "module" package it asks for .cjs, and falls back to the folder name and app.js', async () => {
    const esm = mkdtempSync(join(tmpdir(), 'clusterctl-init-esm-'));
    try {
      writeFileSync(join(esm, 'package.json'), JSON.stringify({ type: 'module' }));
      const r = await sb.cli(['init'], { cwd: esm });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/"type": "module": name the file \*\.config\.cjs/);
      const ok = await sb.ok(['init', 'ecosystem.config.cjs'], { cwd: esm });
      expect(ok.stdout).toMatch(/script \.\/app\.js\)/);
    } finally {
      rmSync(esm, { recursive: true, force: true });
    }
  });

  it('--help shows an example', async () => {
    const r = await sb.ok(['init', '--help']);
    expect(r.stdout).toMatch(/\$ clusterctl init && clusterctl start ecosystem\.config\.js/);
  });
});
