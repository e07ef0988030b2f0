/**
 * `save` and `resurrect` through the binary: the saved set comes back exactly
 * (names, instance counts, env) after `kill`; a corrupt dump.json falls back
 * to dump.json.bak; with both broken nothing starts; an empty list never
 * replaces a dump without --force; the files are 0600; `dump` is `save` and
 * `cleardump` empties the dump.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { objectContaining } from '../helpers/match';

interface App {
  name: string;
  workers: Array<{ instance: number; pid: number | null; status: string }>;
}

const REPORTS_ENV = join(FIXTURES, 'reports-env.js');

async function envOf(port: number): Promise<Record<string, string>> {
  return (JSON.parse((await httpGet(port)).body) as { env: Record<string, string> }).env;
}

function summary(apps: App[]): Array<[string, number]> {
  return apps
    .map((a) => [a.name, a.workers.filter((w) => w.status === 'online').length] as [string, number])
    .sort((x, y) => x[0].localeCompare(y[0]));
}

describe('save / resurrect', () => {
  let sb: Sandbox;
  let ports: { a: number; b: number; c: number };
  let dump: string;

  beforeAll(async () => {
    sb = createSandbox();
    ports = { a: await freePort(), b: await freePort(), c: await freePort() };
    dump = join(sb.home, 'dump.json');
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('save writes the running set to dump.json, 0600', async () => {
    await sb.ok([
      'start',
      REPORTS_ENV,
      '--name',
      'a',
      '-i',
      '2',
      '--env',
      `PORT=${ports.a}`,
      '--env',
      'SECRET_TOKEN=s3cret-a',
    ]);
    await sb.ok(['start', REPORTS_ENV, '--name', 'b', '--env', `PORT=${ports.b}`]);
    const r = await sb.ok(['save']);
    expect(r.stdout).toMatch(new RegExp(`saved 2 apps \\(a, b\\) to ${dump}\\n`));
    expect(statSync(dump).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(dump, 'utf8')) as {
      version: number;
      savedAt: string;
      apps: Array<{ name: string; instances: number }>;
    };
    expect(saved.version).toBe(1);
    expect(saved.apps.map((s) => [s.name, s.instances])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('after kill, resurrect brings back exactly the saved set with its instances and env', async () => {
    await sb.ok(['start', REPORTS_ENV, '--name', 'c', '--env', `PORT=${ports.c}`]);
    await sb.ok(['kill']);
    const r = await sb.ok(['resurrect']);
    expect(r.stdout).toMatch(/resurrected 2 apps saved at \d{4}-\d\d-\d\dT/);
    expect(summary((await sb.list()) as App[])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect((await envOf(ports.a)).SECRET_TOKEN).toBe('s3cret-a');
    await expect(httpGet(ports.c, '/', 2000)).rejects.toThrow();
  });

  it('resurrect skips the apps already registered and leaves their workers alone', async () => {
    const before = (await sb.list()) as App[];
    const r = await sb.ok(['resurrect']);
    expect(r.stderr).toMatch(/a: already registered \(online\); skipped/);
    expect(r.stdout).toMatch(/resurrected 0 apps saved at .*, 2 skipped/);
    expect((await sb.list()) as App[]).toEqual(
      before.map((a) =>
        objectContaining({
          name: a.name,
          workers: a.workers.map((w) => objectContaining({ pid: w.pid })),
        }),
      ),
    );
  });

  it('a corrupt dump.json falls back to dump.json.bak and says so', async () => {
    await sb.ok(['scale', 'a', '3']);
    const second = await sb.ok(['save']);
    expect(second.stdout).toContain(`the previous dump is kept as ${dump}.bak`);
    expect(statSync(`${dump}.bak`).mode & 0o777).toBe(0o600);
    await sb.ok(['kill']);
    writeFileSync(dump, '{"version":1,"savedAt":"2026-01-01T00:00:00.000Z","apps":[{"name":"a","scr');
    const r = await sb.ok(['resurrect']);
    expect(r.stderr).toMatch(new RegExp(`using the backup ${dump}\\.bak: ${dump} is not valid JSON`));
    // The backup is the first save: a with 2 instances, not the 3 of the corrupted dump.
    expect(summary((await sb.list()) as App[])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('with both files broken, resurrect starts nothing, exits 1 and says why', async () => {
    await sb.ok(['kill']);
    writeFileSync(dump, 'not json');
    writeFileSync(`${dump}.bak`, '{"version":1,"savedAt":"2026-01-01T00:00:00.000Z","apps":[{"name":"x"}]}');
    const r = await sb.cli(['resurrect']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^clusterctl: cannot resurrect: .*dump\.json is not valid JSON .*, and .*dump\.json\.bak apps\[0\]: invalid app spec: .*; nothing was started\n$/,
    );
    expect(await sb.list()).toEqual([]);
  });

  it('an empty list never replaces a saved one without --force', async () => {
    await sb.ok(['start', REPORTS_ENV, '--name', 'b', '--env', `PORT=${ports.b}`]);
    await sb.ok(['save']);
    await sb.ok(['delete', 'b']);
    const before = readFileSync(dump, 'utf8');
    const refused = await sb.cli(['save']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /refusing to replace the saved list of 1 app\(s\) .* with an empty one .*clusterctl save --force/,
    );
    expect(readFileSync(dump, 'utf8')).toBe(before);
    const forced = await sb.ok(['save', '--force']);
    expect(forced.stdout).toMatch(/saved no apps to /);
    expect((JSON.parse(readFileSync(dump, 'utf8')) as { apps: unknown[] }).apps).toEqual([]);
  });

  it('stopped apps are not saved, and say so', async () => {
    await sb.ok(['start', REPORTS_ENV, '--name', 'a', '--env', `PORT=${ports.a}`]);
    await sb.ok(['start', REPORTS_ENV, '--name', 'b', '--env', `PORT=${ports.b}`]);
    await sb.ok(['stop', 'b']);
    const r = await sb.ok(['save']);
    expect(r.stderr).toMatch(/b is stopped; not saved/);
    expect(
      (JSON.parse(readFileSync(dump, 'utf8')) as { apps: Array<{ name: string }> }).apps.map((s) => s.name),
    ).toEqual(['a']);
  });

  it("PM2's dump saves; cleardump empties the dump, keeps the apps running, and resurrect then starts nothing", async () => {
    const saved = await sb.ok(['dump']);
    expect(saved.stdout).toMatch(/saved 1 app \(a\) to /);
    const r = await sb.ok(['cleardump']);
    expect(r.stdout).toBe(`emptied ${dump}; the previous dump is kept as ${dump}.bak\n`);
    expect((JSON.parse(readFileSync(dump, 'utf8')) as { apps: unknown[] }).apps).toEqual([]);
    expect(
      (JSON.parse(readFileSync(`${dump}.bak`, 'utf8')) as { apps: Array<{ name: string }> }).apps.map((s) => s.name),
    ).toEqual(['a']);
    expect(summary((await sb.list()) as App[])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    const extra = await sb.cli(['cleardump', 'now']);
    expect(extra.code).toBe(2);
    await sb.ok(['kill']);
    const back = await sb.ok(['resurrect']);
    expect(back.stdout).toMatch(/resurrected 0 apps saved at /);
    expect(await sb.list()).toEqual([]);
  });
});
