/**
 * `primaryGroup` wherever a spec is made or read: the flag, the ecosystem
 * key, old state/dump files, the primary's checker, the registry's file-form
 * clash, the apply plan (a group change replaces the primary), describe's
 * line and the command line `export systemd` writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planApply } from '../../src/config/apply';
import { defaultSpec } from '../../src/config/defaults';
import { loadConfigFile } from '../../src/config/file/load';
import { specFromFlags } from '../../src/config/flags';
import type { SourcedApp } from '../../src/cli/generate/app-source';
import { runArgs } from '../../src/cli/generate/run-command';
import { renderDescribe } from '../../src/cli/render/describe';
import { Registry } from '../../src/daemon/registry';
import { ClusterctlError } from '../../src/protocol/errors';
import { checkAppSpec } from '../../src/protocol/primary-params';
import { appSpecSchema } from '../../src/protocol/schemas';
import type { AppInfo, AppSpec } from '../../src/protocol/types';
import { FIXTURES } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('group-spec-');
const ctx = { home: '/tmp/h', cwd: __dirname, env: {} };
const HELLO = join(FIXTURES, 'hello.js');

function spec(name: string, over: Partial<AppSpec> = {}): AppSpec {
  return { ...defaultSpec('/tmp/h', name, `/srv/${name}.js`, '/srv', {}), ...over };
}

function info(s: AppSpec, primaryPid: number | null): AppInfo {
  return { name: s.name, status: 'online', primaryPid, spec: s, workers: [], createdAt: 1 };
}

function thrown(fn: () => unknown): ClusterctlError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClusterctlError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

async function loadFile(apps: unknown[]): Promise<AppSpec[]> {
  const file = join(dir(), 'ecosystem.config.json');
  writeFileSync(file, JSON.stringify({ apps }));
  const { specs } = await loadConfigFile(file, { cwd: dir(), home: '/tmp/h', baseEnv: {} });
  return specs;
}

test('a stored spec without primaryGroup loads with null (own primary)', () => {
  const old: Record<string, unknown> = { ...spec('api') };
  delete old.primaryGroup;
  expect(appSpecSchema.parse(old)).toEqual(spec('api'));
});

test('--primary-group sets it, the primary accepts it; a bad name is E_BAD_NAME in one line', () => {
  const s = specFromFlags(__filename, [], { primaryGroup: 'shared' }, ctx);
  expect(s.primaryGroup).toBe('shared');
  expect(checkAppSpec(s, 'spec')).toEqual(s);
  expect(specFromFlags(__filename, [], {}, ctx).primaryGroup).toBeNull();
  const err = thrown(() => specFromFlags(__filename, [], { primaryGroup: 'a/b' }, ctx));
  expect(err.code).toBe('E_BAD_NAME');
  expect(err.message).toMatch(/^--primary-group "a\/b" is not allowed: /);
  expect(err.message).not.toContain('\n');
});

test('ecosystem primary_group: a string with the app-name rules, else one-line E_CONFIG', async () => {
  const specs = await loadFile([{ name: 'api', script: HELLO, primary_group: 'shared' }]);
  expect(specs.map((s) => s.primaryGroup)).toEqual(['shared']);
  for (const bad of ['', 'x/y', 3]) {
    const err = await loadFile([{ name: 'api', script: HELLO, primary_group: bad }]).then(
      () => null,
      (e: unknown) => e as ClusterctlError,
    );
    expect(err?.code).toBe('E_CONFIG');
    expect(err?.message).toContain('primary_group');
    expect(err?.message).not.toContain('\n');
  }
});

test('two group names with one file form are E_NAME_CLASH; the same name is fine', () => {
  const registry = new Registry(join(dir(), 'state.json'));
  registry.add(spec('a', { primaryGroup: 'my group' }));
  registry.add(spec('b', { primaryGroup: 'my group' }));
  registry.add(spec('c'));
  const err = thrown(() => registry.add(spec('d', { primaryGroup: 'my-group' })));
  expect(err.code).toBe('E_NAME_CLASH');
  expect(err.message).toContain('run/groups/my-group.sock');
  expect(registry.has('d')).toBe(false);
});

test('apply: a changed primary_group replaces the primary (stop, then start), never a rolling reload', () => {
  const from = spec('api');
  for (const [a, b] of [
    [null, 'g'],
    ['g', null],
    ['g', 'h'],
  ] as const) {
    const [action] = planApply(
      [info({ ...from, primaryGroup: a }, 100)],
      [{ ...from, primaryGroup: b, env: { X: '1' } }],
      { prune: false },
    ).actions;
    expect(action).toMatchObject({ kind: 'restart', fields: ['primaryGroup'] });
  }
});

test('describe: "primary group  G (pid N, K apps)" counts the apps of that host; nothing for an own primary', () => {
  const a = info(spec('a', { primaryGroup: 'g' }), 500);
  const b = info(spec('b', { primaryGroup: 'g' }), 500);
  const own = info(spec('own'), 600);
  expect(renderDescribe(a, 0, [a, b, own])).toMatch(/^primary group +g \(pid 500, 2 apps\)$/m);
  expect(renderDescribe(own, 0, [a, b, own])).not.toContain('primary group');
  expect(renderDescribe(info(spec('s', { primaryGroup: 'g' }), null), 0)).toMatch(
    /^primary group +g \(its host does not run this app now\)$/m,
  );
});

test('export systemd carries --primary-group; a pod (relative paths) does not', () => {
  const s = spec('api', { primaryGroup: 'shared', script: HELLO });
  const app: SourcedApp = { spec: s, env: {}, origin: { kind: 'daemon', home: '/h' } };
  const abs = runArgs(app, { mode: 'absolute', base: '/' });
  expect(abs.join(' ')).toContain('--primary-group shared');
  const rel = runArgs(app, { mode: 'relative', base: FIXTURES });
  expect(rel).not.toContain('--primary-group');
});
