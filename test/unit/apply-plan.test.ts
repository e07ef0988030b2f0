/** planApply / formatPlan: the reconcile steps from the running apps to a config file's apps. */
import { defaultSpec } from '../../src/config/defaults';
import { diffEnv, forceVerb, formatPlan, planApply, type ForcedVerb, type PlanAction } from '../../src/config/apply';
import type { AppInfo, AppSpec, AppStatus } from '../../src/protocol/types';
import { objectContaining } from '../helpers/match';

const HOME = '/home/u/.clusterctl';

function spec(name: string, over: Partial<AppSpec> = {}): AppSpec {
  return { ...defaultSpec(HOME, name, `/srv/${name}.js`, '/srv', { PORT: '3000', MODE: 'dev' }), ...over };
}

function running(s: AppSpec, status: AppStatus = 'online', primaryPid: number | null = 100): AppInfo {
  return { name: s.name, status, primaryPid, spec: s, workers: [], createdAt: 1 };
}

function kinds(actions: PlanAction[]): string[] {
  return actions.map((a) => `${a.kind}:${a.name}`);
}

describe('planApply', () => {
  it('starts what is missing, keeps what is identical', () => {
    const plan = planApply([running(spec('api'))], [spec('api'), spec('web', { instances: 2 })], { prune: false });
    expect(kinds(plan.actions)).toEqual(['unchanged:api', 'start:web']);
    expect(plan.actions[1]).toMatchObject({ kind: 'start', wasStopped: false, changes: null, spec: { instances: 2 } });
  });

  it('scales when only the instance count differs', () => {
    const plan = planApply([running(spec('web', { instances: 4 }))], [spec('web', { instances: 2 })], { prune: false });
    expect(plan.actions).toEqual([{ kind: 'scale', name: 'web', from: 4, to: 2 }]);
  });

  it('reloads with the changed fields: script, args, env names, options', () => {
    const from = spec('api');
    const to = spec('api', {
      script: '/srv/api2.js',
      args: ['--x'],
      env: { PORT: '3000', MODE: 'prod', NEW: 'n' },
      killTimeout: 1000,
      logs: { ...from.logs, retain: 9 },
    });
    const [action] = planApply([running(from)], [to], { prune: false }).actions;
    expect(action).toEqual({
      kind: 'reload',
      name: 'api',
      spec: to,
      changes: {
        script: true,
        args: true,
        env: { added: ['NEW'], removed: [], changed: ['MODE'] },
        options: ['killTimeout', 'logs.retain'],
      },
    });
  });

  it('a removed env variable is a change (env is replaced, not merged)', () => {
    const plan = planApply([running(spec('api'))], [spec('api', { env: { PORT: '3000' } })], { prune: false });
    expect(plan.actions[0]).toMatchObject({
      kind: 'reload',
      changes: { env: { added: [], changed: [], removed: ['MODE'] } },
    });
  });

  it('ignores variables a shell rewrites per command (_, OLDPWD, SHLVL)', () => {
    const from = spec('api', { env: { PORT: '1', _: '/usr/bin/clusterctl', SHLVL: '1' } });
    const to = spec('api', { env: { PORT: '1', _: '/usr/local/bin/npx', OLDPWD: '/tmp' } });
    expect(planApply([running(from)], [to], { prune: false }).actions).toEqual([
      { kind: 'unchanged', name: 'api', inFile: true },
    ]);
  });

  it('shrinking and changing: scale down first, then reload the fewer workers', () => {
    const to = spec('web', { instances: 2, killTimeout: 100 });
    const plan = planApply([running(spec('web', { instances: 4 }))], [to], { prune: false });
    expect(plan.actions).toEqual([
      { kind: 'scale', name: 'web', from: 4, to: 2 },
      { kind: 'reload', name: 'web', spec: to, changes: objectContaining({ options: ['killTimeout'] }) },
    ]);
  });

  it('growing and changing: reload the current workers, then scale up with the new spec', () => {
    const to = spec('web', { instances: 4, args: ['a'] });
    const plan = planApply([running(spec('web', { instances: 2 }))], [to], { prune: false });
    expect(kinds(plan.actions)).toEqual(['reload:web', 'scale:web']);
    expect(plan.actions[0]).toMatchObject({ kind: 'reload', spec: { ...to, instances: 2 } });
    expect(plan.actions[1]).toEqual({ kind: 'scale', name: 'web', from: 2, to: 4 });
  });

  it('an interpreter change replaces the app primary (restart), instances included', () => {
    const to = spec('api', { interpreter: '/opt/node22/bin/node', instances: 3 });
    const [action, ...rest] = planApply([running(spec('api'))], [to], { prune: false }).actions;
    expect(rest).toEqual([]);
    expect(action).toMatchObject({ kind: 'restart', spec: to, fields: ['interpreter'] });
  });

  it('a stopped or given-up app in the file is started with the file spec', () => {
    const to = spec('api', { instances: 2 });
    const plan = planApply(
      [running(spec('api'), 'stopped', null), running(spec('web'), 'errored', null)],
      [to, spec('web')],
      { prune: false },
    );
    expect(plan.actions[0]).toMatchObject({ kind: 'start', wasStopped: true, spec: to, changes: null });
    expect(plan.actions[1]).toMatchObject({ kind: 'start', name: 'web', wasStopped: true });
  });

  it('an app being brought back by the daemon is not started twice', () => {
    const plan = planApply([running(spec('api'), 'launching', null)], [spec('api')], { prune: false });
    expect(kinds(plan.actions)).toEqual(['unchanged:api']);
  });

  it('apps not in the file: kept without --prune, deleted with it', () => {
    const current = [running(spec('api')), running(spec('old'))];
    expect(planApply(current, [spec('api')], { prune: false }).actions[1]).toEqual({
      kind: 'unchanged',
      name: 'old',
      inFile: false,
    });
    expect(planApply(current, [spec('api')], { prune: true }).actions[1]).toEqual({ kind: 'delete', name: 'old' });
  });
});

describe('diffEnv', () => {
  it('sorts names and never carries values', () => {
    const d = diffEnv({ B: 'secret-1', A: 'x', GONE: 'secret-2' }, { B: 'secret-3', A: 'x', C: 'secret-4' });
    expect(d).toEqual({ added: ['C'], removed: ['GONE'], changed: ['B'] });
    expect(JSON.stringify(d)).not.toMatch(/secret/);
  });
});

describe('formatPlan', () => {
  it('prints the diff: + start, ~ reload, ± scale, − delete, = keep, with a summary', () => {
    const current = [
      running(spec('api', { env: { PORT: '1', SECRET: 'hunter2' } })),
      running(spec('web', { instances: 4 })),
      running(spec('worker')),
      running(spec('cache')),
    ];
    const desired = [
      spec('api', { env: { PORT: '1', SECRET: 'hunter3', TOKEN: 't0ps3cret' }, killTimeout: 100 }),
      spec('web', { instances: 2 }),
      spec('cache'),
      spec('jobs', { instances: 3 }),
    ];
    const text = formatPlan(planApply(current, desired, { prune: true }));
    expect(text).toBe(
      [
        '~ reload  api     env (+TOKEN ~SECRET), options (kill_timeout)',
        '± scale   web     4 → 2',
        '= keep    cache   unchanged',
        '+ start   jobs    3 instances',
        '− delete  worker  not in the file',
        'Plan: 1 to start, 1 to reload, 1 to scale, 1 to delete, 1 unchanged.',
        '',
      ].join('\n'),
    );
    expect(text).not.toMatch(/hunter|t0ps3cret/);
  });

  it('names stopped apps, restarts and kept apps', () => {
    const text = formatPlan(
      planApply(
        [running(spec('a'), 'stopped', null), running(spec('b')), running(spec('c'))],
        [spec('a', { args: ['x'] }), spec('b', { interpreter: '/opt/node' })],
        { prune: false },
      ),
    );
    expect(text).toContain('+ start   a  1 instance, was stopped; args');
    expect(text).toContain(
      '! restart b  interpreter changed: the app primary is replaced (stop, then start); options (interpreter)',
    );
    expect(text).toContain('= keep    c  not in the file (--prune deletes it)');
    expect(text).toContain('Plan: 1 to start, 1 to restart, 1 unchanged.');
  });

  it('says when there is nothing to do', () => {
    expect(formatPlan({ actions: [] })).toBe('Plan: nothing to do.\n');
  });
});

describe('forceVerb (reload|restart <file>, startOrReload|startOrRestart)', () => {
  const force = (current: AppInfo[], desired: AppSpec[], verb: ForcedVerb) =>
    forceVerb(
      planApply(current, desired, { prune: false }),
      verb,
      new Map(desired.map((s) => [s.name, s])),
      new Map(current.map((a) => [a.name, a.spec])),
    );

  it('gives the verb to every running app of the file, changed or not; starts the missing', () => {
    const current = [running(spec('api')), running(spec('web'))];
    const desired = [spec('api'), spec('web', { killTimeout: 100 }), spec('jobs')];
    expect(kinds(force(current, desired, 'reload').actions)).toEqual(['reload:api', 'reload:web', 'start:jobs']);
    expect(kinds(force(current, desired, 'restart').actions)).toEqual([
      'restart-workers:api',
      'restart-workers:web',
      'start:jobs',
    ]);
    const [api] = force(current, desired, 'reload').actions;
    expect(api).toMatchObject({ kind: 'reload', spec: desired[0] });
  });

  it('after a scale-only change the verb follows the scale; a scale with a reload is not reloaded twice', () => {
    const scaleOnly = force([running(spec('web', { instances: 4 }))], [spec('web', { instances: 2 })], 'reload');
    expect(kinds(scaleOnly.actions)).toEqual(['scale:web', 'reload:web']);
    expect(scaleOnly.actions[1]).toMatchObject({ spec: { instances: 2 } });
    const grow = force([running(spec('web'))], [spec('web', { instances: 3, killTimeout: 9 })], 'reload');
    expect(kinds(grow.actions)).toEqual(['reload:web', 'scale:web']);
    const shrink = force([running(spec('web', { instances: 3 }))], [spec('web', { killTimeout: 9 })], 'restart');
    expect(kinds(shrink.actions)).toEqual(['scale:web', 'restart-workers:web']);
  });

  it('leaves stopped apps to start, primary changes to a primary restart, and apps outside the file alone', () => {
    const current = [running(spec('a'), 'stopped', null), running(spec('b')), running(spec('c'))];
    const desired = [spec('a'), spec('b', { interpreter: '/opt/node' })];
    expect(kinds(force(current, desired, 'restart').actions)).toEqual(['start:a', 'restart:b', 'unchanged:c']);
  });

  it('prints a forced step with no change as such', () => {
    const text = formatPlan(force([running(spec('api'))], [spec('api')], 'restart'));
    expect(text).toBe(['! restart api  no change in the file', 'Plan: 1 to restart.', ''].join('\n'));
  });
});
