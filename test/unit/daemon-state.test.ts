import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSpec } from '../../src/config/defaults';
import { Registry } from '../../src/daemon/registry';
import { readState, writeState } from '../../src/state/state-file';
import { primaryBackoff } from '../../src/daemon/lifecycle/primary-policy';
import { useTempDir } from '../helpers/tmp';
import { stringMatching, thrownBy } from '../helpers/match';

describe('state.json', () => {
  const dir = useTempDir('state-');

  const spec = (name: string) => defaultSpec(dir(), name, '/srv/app.js', '/srv', { A: '1' });

  it('round-trips the registry, written 0600 with no temp file left', () => {
    const path = join(dir(), 'state.json');
    const registry = new Registry(path);
    registry.add(spec('web'), { restartOffsets: { '0': 3 } });
    registry.add(spec('pending'), { registered: false });
    registry.add(spec('idle'), { desired: 'stopped' });
    registry.persist();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toMatch(/pending/);
    const { state, warnings } = readState(path);
    expect(warnings).toEqual([]);
    const byName = [...state.apps].sort((x, y) => x.spec.name.localeCompare(y.spec.name));
    expect(byName.map((a) => [a.spec.name, a.desired, a.restartOffsets])).toEqual([
      ['idle', 'stopped', {}],
      ['web', 'running', { '0': 3 }],
    ]);
    expect(byName[1]?.spec).toEqual(spec('web'));
    expect(readdirSync(dir())).toEqual(['state.json']);
  });

  it('a missing file is an empty state; a corrupt one is empty with a warning', () => {
    expect(readState(join(dir(), 'none.json'))).toEqual({ state: { version: 1, apps: [] }, warnings: [] });
    const bad = join(dir(), 'bad.json');
    writeFileSync(bad, '{"apps": [tru');
    const r = readState(bad);
    expect(r.state.apps).toEqual([]);
    expect(r.warnings[0]).toMatch(/not valid JSON/);
  });

  it('skips an invalid app and keeps the others', () => {
    const path = join(dir(), 'mixed.json');
    writeState(path, {
      version: 1,
      apps: [{ spec: spec('good'), desired: 'running', createdAt: 1, restartOffsets: {} }],
    });
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { apps: unknown[] };
    raw.apps.push({ spec: { ...spec('bad/name') }, desired: 'running' });
    writeFileSync(path, JSON.stringify(raw));
    const r = readState(path);
    expect(r.state.apps.map((a) => a.spec.name)).toEqual(['good']);
    expect(r.warnings[0]).toMatch(/skipped an app entry: invalid app spec: name/);
  });
});

describe('registry', () => {
  const spec = (name: string) => defaultSpec('/h', name, '/srv/app.js', '/srv', {});

  it('resolves names and all; matching nothing is E_APP_NOT_FOUND', () => {
    const r = new Registry('/nonexistent/state.json');
    expect(thrownBy(() => r.resolve('all'))).toMatchObject({ code: 'E_APP_NOT_FOUND' });
    r.add(spec('a'));
    r.add(spec('b'));
    expect(
      r
        .resolve('all')
        .map((e) => e.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(r.resolve('b').map((e) => e.name)).toEqual(['b']);
    expect(thrownBy(() => r.resolve('c'))).toMatchObject({ code: 'E_APP_NOT_FOUND' });
    expect(thrownBy(() => r.add(spec('a')))).toMatchObject({ code: 'E_APP_EXISTS' });
  });

  it('refuses a second operation on a busy app, and frees it afterwards', async () => {
    const r = new Registry('/nonexistent/state.json');
    const [a] = [r.add(spec('a'))];
    let release!: () => void;
    const first = r.exclusive([a], 'reload', () => new Promise<void>((res) => (release = res)));
    await expect(r.exclusive([a], 'scale', () => Promise.resolve(1))).rejects.toMatchObject({
      code: 'E_BUSY',
      message: stringMatching(/app a is busy: a reload is in progress/),
    });
    release();
    await first;
    await expect(r.exclusive([a], 'scale', () => Promise.resolve(2))).resolves.toBe(2);
  });
});

describe('app primary restart backoff', () => {
  it('grows ×1.5 from 100 ms and is capped at 15 s', () => {
    expect([0, 1, 2, 3].map(primaryBackoff)).toEqual([100, 150, 225, 338]);
    expect(primaryBackoff(40)).toBe(15000);
  });
});
