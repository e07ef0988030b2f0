/** dump.json: atomic writes with a backup, never emptied by accident, read back with a fallback to the backup. */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSpec } from '../../src/config/defaults';
import { readDump, writeDump } from '../../src/state/dump';
import { ClusterctlError } from '../../src/protocol/errors';
import type { AppSpec } from '../../src/protocol/types';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('dump-');
let dump: string;
beforeEach(() => {
  dump = join(dir(), 'dump.json');
});

function spec(name: string, instances = 1): AppSpec {
  return { ...defaultSpec(dir(), name, `/srv/${name}.js`, '/srv', { PORT: '3000', TOKEN: 'secret' }), instances };
}

function expectDumpError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ClusterctlError);
  expect((caught as ClusterctlError).code).toBe('E_DUMP');
  expect((caught as ClusterctlError).message).toMatch(pattern);
  expect((caught as ClusterctlError).message).not.toContain('\n');
}

describe('writeDump', () => {
  it('writes version, savedAt and the specs, mode 0600, leaving no temp file', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    const r = writeDump(dump, [spec('api', 2), spec('web')], { now: () => now });
    expect(r).toEqual({ path: dump, backup: null, apps: ['api', 'web'] });
    const written = JSON.parse(readFileSync(dump, 'utf8')) as unknown;
    expect(written).toEqual({ version: 1, savedAt: '2026-01-02T03:04:05.000Z', apps: [spec('api', 2), spec('web')] });
    expect(statSync(dump).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir())).toEqual(['dump.json']);
  });

  it('keeps the previous dump as dump.json.bak (0600)', () => {
    writeDump(dump, [spec('api')]);
    const first = readFileSync(dump, 'utf8');
    const r = writeDump(dump, [spec('api'), spec('web')]);
    expect(r.backup).toBe(`${dump}.bak`);
    expect(readFileSync(`${dump}.bak`, 'utf8')).toBe(first);
    expect(statSync(`${dump}.bak`).mode & 0o777).toBe(0o600);
    expect(readDump(dump).dump.apps.map((s) => s.name)).toEqual(['api', 'web']);
    expect(readdirSync(dir()).sort()).toEqual(['dump.json', 'dump.json.bak']);
  });

  it('refuses to replace a dump that lists apps with an empty list, unless forced', () => {
    writeDump(dump, [spec('api')]);
    const before = readFileSync(dump, 'utf8');
    expectDumpError(
      () => writeDump(dump, []),
      /refusing to replace the saved list of 1 app\(s\) .* with an empty one .*--force/,
    );
    expect(readFileSync(dump, 'utf8')).toBe(before);
    expect(existsSync(`${dump}.bak`)).toBe(false);
    writeDump(dump, [], { force: true });
    expect(readDump(dump).dump.apps).toEqual([]);
    expect(readFileSync(`${dump}.bak`, 'utf8')).toBe(before);
  });

  it('an empty list over no dump is fine; over an empty dump too', () => {
    writeDump(dump, []);
    writeDump(dump, []);
    expect(readDump(dump).dump.apps).toEqual([]);
  });

  it('a corrupt old dump never replaces a good backup', () => {
    writeDump(dump, [spec('api')]);
    writeDump(dump, [spec('web')]);
    const goodBackup = readFileSync(`${dump}.bak`, 'utf8');
    writeFileSync(dump, '{"version":1,"apps":[');
    expectDumpError(
      () => writeDump(dump, []),
      /refusing to replace .*, which is not valid JSON .*, with an empty list/,
    );
    writeDump(dump, [spec('jobs')]);
    expect(readFileSync(`${dump}.bak`, 'utf8')).toBe(goodBackup);
    expect(readDump(dump).dump.apps.map((s) => s.name)).toEqual(['jobs']);
  });

  it('fails with E_DUMP when the folder is missing', () => {
    expectDumpError(() => writeDump(join(dir(), 'nope', 'dump.json'), [spec('api')]), /cannot save to .*: ENOENT/);
  });
});

describe('readDump', () => {
  it('reads the dump when it is good', () => {
    writeDump(dump, [spec('api', 3)]);
    const r = readDump(dump);
    expect(r).toMatchObject({ source: 'dump', path: dump, fallbackReason: null });
    expect(r.dump.apps).toEqual([spec('api', 3)]);
  });

  it.each<[string, string, RegExp]>([
    ['truncated', '{"version":1,"savedAt":"2026-01-01T00:00:00Z","apps":[{"na', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['wrong version', '{"version":2,"savedAt":"2026-01-01T00:00:00Z","apps":[]}', /has version 2, expected 1/],
    ['no apps', '{"version":1,"savedAt":"2026-01-01T00:00:00Z"}', /has no "apps" array/],
    [
      'a bad spec',
      '{"version":1,"savedAt":"2026-01-01T00:00:00Z","apps":[{"name":"x"}]}',
      /apps\[0\]: invalid app spec/,
    ],
  ])('falls back to the backup when the dump is %s, and says why', (_what, content, why) => {
    writeDump(dump, [spec('api', 2)]);
    writeDump(dump, [spec('web')]);
    writeFileSync(dump, content);
    const r = readDump(dump);
    expect(r.source).toBe('backup');
    expect(r.path).toBe(`${dump}.bak`);
    expect(r.fallbackReason).toMatch(why);
    expect(r.dump.apps).toEqual([spec('api', 2)]);
  });

  it('falls back to the backup when the dump is missing', () => {
    writeDump(dump, [spec('api')]);
    writeDump(dump, [spec('web')]);
    rmSync(dump);
    expect(readDump(dump)).toMatchObject({ source: 'backup', fallbackReason: `${dump} does not exist` });
  });

  it('with both broken: E_DUMP saying what is wrong with each', () => {
    writeFileSync(dump, 'garbage');
    writeFileSync(`${dump}.bak`, '{"version":1}');
    expectDumpError(
      () => readDump(dump),
      /cannot resurrect: .*dump\.json is not valid JSON .*, and .*dump\.json\.bak has no valid "savedAt" time; nothing was started/,
    );
  });

  it('with neither file: E_DUMP telling to save first', () => {
    expectDumpError(() => readDump(dump), /nothing to resurrect: .* does not exist \(run `clusterctl save` first\)/);
  });

  it('rejects a dump listing an app twice', () => {
    writeFileSync(
      dump,
      JSON.stringify({ version: 1, savedAt: new Date().toISOString(), apps: [spec('a'), spec('a')] }),
    );
    expectDumpError(() => readDump(dump), /apps\[1\]: app a is listed twice/);
  });
});
