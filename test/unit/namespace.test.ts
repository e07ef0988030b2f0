/**
 * PM2's `namespace` wherever it is read: the rule that turns a target into
 * apps (Registry.resolve: an app's name first, then a namespace), the value
 * rules of the flag, the config key, the daemon schema and the primary's
 * checker, state.json and dump.json written before the field existed, the ls
 * column (only when needed), describe's line, and apply's diff of a changed
 * namespace (stored, no worker replaced).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatAction, planApply } from '../../src/config/apply';
import { diffSpecs, onlyNamespaceChanged } from '../../src/config/apply/diff';
import { defaultSpec } from '../../src/config/defaults';
import { loadConfigFile } from '../../src/config/file/load';
import { specFromFlags, validateNamespace } from '../../src/config/flags';
import { renderDescribe } from '../../src/cli/render/describe';
import { renderAppTable } from '../../src/cli/render/table';
import { Registry } from '../../src/daemon/registry';
import { readDump, writeDump } from '../../src/state/dump';
import { readState, writeState } from '../../src/state/state-file';
import { ClusterctlError } from '../../src/protocol/errors';
import { checkAppSpec } from '../../src/protocol/primary-params';
import { appSpecSchema } from '../../src/protocol/schemas';
import type { AppInfo, AppSpec } from '../../src/protocol/types';
import { FIXTURES } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('namespace-');
const HELLO = join(FIXTURES, 'hello.js');

function spec(name: string, namespace?: string): AppSpec {
  const s = defaultSpec('/tmp/h', name, '/srv/app.js', '/srv', {});
  return namespace === undefined ? s : { ...s, namespace };
}

function info(s: AppSpec): AppInfo {
  return { name: s.name, status: 'stopped', primaryPid: null, spec: s, workers: [], createdAt: 1 };
}

function withoutNamespace(s: AppSpec): Record<string, unknown> {
  const old: Record<string, unknown> = { ...s };
  delete old.namespace;
  return old;
}

function registry(...specs: AppSpec[]): Registry {
  const r = new Registry(join(dir(), 'state.json'));
  for (const s of specs) r.add(s);
  return r;
}

const names = (entries: Array<{ name: string }>): string[] => entries.map((e) => e.name).sort();

describe('Registry.resolve', () => {
  it('a namespace no app is named means every app of it, and is a set like all', () => {
    const r = registry(spec('users', 'api'), spec('orders', 'api'), spec('mailer', 'jobs'), spec('web'));
    expect(names(r.resolve('api'))).toEqual(['orders', 'users']);
    expect(names(r.resolve('jobs'))).toEqual(['mailer']);
    expect(names(r.resolve('default'))).toEqual(['web']);
    expect(names(r.resolve('users'))).toEqual(['users']);
    expect(r.isSet('api')).toBe(true);
    expect(r.isSet('all')).toBe(true);
    expect(r.isSet('users')).toBe(false);
    expect(r.isSet('nope')).toBe(false);
  });

  it("an app's name wins over a namespace of the same name, as in PM2", () => {
    const r = registry(spec('api'), spec('users', 'api'), spec('orders', 'api'));
    expect(names(r.resolve('api'))).toEqual(['api']);
    expect(r.isSet('api')).toBe(false);
    r.remove('api');
    expect(names(r.resolve('api'))).toEqual(['orders', 'users']);
  });

  it('a target that is neither is E_APP_NOT_FOUND with the message it always had', () => {
    const r = registry(spec('users', 'api'));
    expect(() => r.resolve('nope')).toThrow(
      new ClusterctlError('E_APP_NOT_FOUND', 'no app named "nope"; `clusterctl ls` lists the apps'),
    );
  });
});

describe('the value', () => {
  it('--namespace takes any app name but "all"; a bad one is E_BAD_NAME (exit 2) naming the flag', () => {
    expect(validateNamespace('api')).toBe('api');
    expect(validateNamespace('team a')).toBe('team a');
    for (const [bad, why] of [
      ['all', '"all" is reserved (it means every app)'],
      ['', 'it is empty'],
      ['a/b', 'it contains "/" (a name is not a path)'],
      ['a\nb', 'it contains a control character (a newline, a tab, an escape)'],
    ] as const) {
      expect(() => validateNamespace(bad)).toThrow(
        new ClusterctlError('E_BAD_NAME', `--namespace ${JSON.stringify(bad)} is not allowed: ${why}`),
      );
    }
  });

  it('start --namespace sets the spec; without it the namespace is "default"', () => {
    const ctx = { home: '/tmp/h', cwd: '/', env: {} };
    expect(specFromFlags(HELLO, [], { namespace: 'api' }, ctx).namespace).toBe('api');
    expect(specFromFlags(HELLO, [], {}, ctx).namespace).toBe('default');
  });

  it('the config key: set, defaulted, and refused with the file, app and field named', async () => {
    const file = join(dir(), 'ns.config.js');
    writeFileSync(
      file,
      `module.exports = { apps: [{ name: 'a', script: ${JSON.stringify(HELLO)}, namespace: 'api' }, { name: 'b', script: ${JSON.stringify(HELLO)} }] };`,
    );
    const opts = { cwd: dir(), home: '/tmp/h', baseEnv: {}, cpus: 2 };
    const { specs, notices } = await loadConfigFile(file, opts);
    expect(specs.map((s) => [s.name, s.namespace])).toEqual([
      ['a', 'api'],
      ['b', 'default'],
    ]);
    expect(notices).toEqual([]);
    const bad = join(dir(), 'bad.config.js');
    writeFileSync(
      bad,
      `module.exports = { apps: [{ name: 'a', script: ${JSON.stringify(HELLO)}, namespace: 'all' }] };`,
    );
    await expect(loadConfigFile(bad, opts)).rejects.toThrow(/namespace.*"all" is reserved/);
  });

  it('the daemon schema and the primary checker agree: default when absent, "all" refused', () => {
    const s = spec('api', 'jobs');
    expect(appSpecSchema.parse(s)).toEqual(s);
    expect(checkAppSpec(s, 'spec')).toEqual(s);
    expect(appSpecSchema.parse(withoutNamespace(s)).namespace).toBe('default');
    expect(checkAppSpec(withoutNamespace(s), 'spec').namespace).toBe('default');
    expect(() => appSpecSchema.parse({ ...s, namespace: 'all' })).toThrow(/reserved/);
    expect(() => checkAppSpec({ ...s, namespace: 'all' }, 'spec')).toThrow(/reserved/);
  });
});

describe('files written before the field existed', () => {
  it('state.json loads with the default namespace', () => {
    const path = join(dir(), 'state.json');
    writeState(path, {
      version: 1,
      apps: [{ spec: spec('web'), desired: 'running', createdAt: 1, restartOffsets: {} }],
    });
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { apps: Array<{ spec: Record<string, unknown> }> };
    for (const a of raw.apps) delete a.spec.namespace;
    writeFileSync(path, JSON.stringify(raw));
    const { state, warnings } = readState(path);
    expect(warnings).toEqual([]);
    expect(state.apps[0]?.spec.namespace).toBe('default');
  });

  it('dump.json loads with the default namespace, and a saved one is kept', () => {
    const path = join(dir(), 'dump.json');
    writeDump(path, [spec('web'), spec('mailer', 'jobs')]);
    expect(readDump(path).dump.apps.map((s) => s.namespace)).toEqual(['default', 'jobs']);
    const raw = readFileSync(path, 'utf8').replace(/"namespace":\s*"default",?/g, '');
    writeFileSync(path, raw);
    expect(readDump(path).dump.apps.map((s) => s.namespace)).toEqual(['default', 'jobs']);
  });
});

describe('what is shown', () => {
  it('ls: no namespace column while every app is in the default one; after app once one is not', () => {
    const plain = renderAppTable([info(spec('web')), info(spec('api'))]);
    expect(plain).not.toMatch(/namespace/);
    expect(plain.split('\n')[1]).toMatch(/^│ app +│ id +│ pid /);
    const mixed = renderAppTable([info(spec('web')), info(spec('mailer', 'jobs'))]).split('\n');
    expect(mixed[1]).toMatch(/^│ app +│ namespace │ id +│ pid /);
    expect(mixed[3]).toMatch(/^│ web +│ default +│ - /);
    expect(mixed[4]).toMatch(/^│ mailer +│ jobs +│ - /);
  });

  it('ls: an old daemon whose specs have no namespace shows no column', () => {
    const old = { ...info(spec('web')), spec: withoutNamespace(spec('web')) as unknown as AppSpec };
    expect(renderAppTable([old])).not.toMatch(/namespace/);
  });

  it('describe: the namespace line, default included', () => {
    expect(renderDescribe(info(spec('mailer', 'jobs')), 2).split('\n')[1]).toBe('namespace        jobs');
    expect(renderDescribe(info(spec('web')), 2).split('\n')[1]).toBe('namespace        default');
  });
});

describe('apply', () => {
  it('a namespace-only change is told apart, and printed as stored with no worker replaced', () => {
    const from = spec('mailer', 'jobs');
    const to = { ...from, namespace: 'workers' };
    expect(onlyNamespaceChanged(diffSpecs(from, to))).toBe(true);
    expect(onlyNamespaceChanged(diffSpecs(from, { ...to, killTimeout: 1 }))).toBe(false);
    expect(onlyNamespaceChanged(diffSpecs(from, { ...to, env: { A: '1' } }))).toBe(false);
    expect(onlyNamespaceChanged(diffSpecs(from, from))).toBe(false);
    const running: AppInfo = { ...info(from), status: 'online', primaryPid: 10 };
    const [action] = planApply([running], [to], { prune: false }).actions;
    expect(action).toMatchObject({ kind: 'reload', name: 'mailer' });
    expect(formatAction(action)).toBe('~ reload  mailer  options (namespace): stored, no worker replaced');
  });
});
