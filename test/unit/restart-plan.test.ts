/**
 * restart-plan.ts: what `restart` does to each target, decided before any
 * is stopped. A primary is replaced for another group or another
 * scheduling, never for the same one; every refusal (sticky + none, what a
 * group host cannot run, apps that would share a host with two policies)
 * comes from the plan, so several targets fail together.
 */
import { defaultSpec } from '../../src/config/defaults';
import type { PrimaryHandle } from '../../src/daemon/app-primary';
import { Registry, type AppEntry } from '../../src/daemon/registry';
import { planRestart } from '../../src/daemon/restart-plan';
import type { RestartOptions } from '../../src/protocol/api';
import type { AppSpec } from '../../src/protocol/types';
import { stringMatching, thrownBy } from '../helpers/match';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('restart-plan-');

/** The two things the plan reads of a running primary: its group and whether it is gone. */
function runningIn(group: string | null): PrimaryHandle {
  return { group, isGone: false } as unknown as PrimaryHandle;
}

function registryWith(apps: Array<[Partial<AppSpec> & { name: string }, PrimaryHandle | null]>): {
  registry: Registry;
  entries: AppEntry[];
} {
  const registry = new Registry(`${dir()}/state.json`);
  const entries = apps.map(([over, primary]) => {
    const entry = registry.add({ ...defaultSpec('/tmp/h', over.name, '/srv/app.js', '/srv', {}), ...over });
    entry.primary = primary;
    return entry;
  });
  return { registry, entries };
}

function plan(apps: Parameters<typeof registryWith>[0], options: RestartOptions) {
  const { registry, entries } = registryWith(apps);
  return planRestart(registry, entries, options).map((s) => ({ name: s.entry.name, replace: s.replace, spec: s.spec }));
}

test('another scheduling replaces the primary, the same one restarts in place; a stopped app just starts', () => {
  const [changed] = plan([[{ name: 'web' }, runningIn(null)]], { scheduling: 'none' });
  expect(changed).toMatchObject({ replace: true, spec: { scheduling: 'none' } });
  expect(plan([[{ name: 'web', scheduling: 'none' }, runningIn(null)]], { scheduling: 'none' })[0]?.replace).toBe(
    false,
  );
  expect(plan([[{ name: 'web' }, null]], { scheduling: 'none' })[0]).toMatchObject({ replace: false });
  expect(plan([[{ name: 'web' }, runningIn(null)]], { primaryGroup: 'g' })[0]?.replace).toBe(true);
});

test('fork mode keeps its scheduling (the CLI prints the notice) and restarts in place', () => {
  const [forked] = plan([[{ name: 'job', execMode: 'fork' }, runningIn(null)]], { scheduling: 'none' });
  expect(forked).toMatchObject({ replace: false, spec: { scheduling: 'rr' } });
});

test('a --sticky app asked for none fails the whole plan with E_USAGE', () => {
  const err = thrownBy(() =>
    plan(
      [
        [{ name: 'plain' }, runningIn(null)],
        [{ name: 'chat', sticky: true }, runningIn(null)],
      ],
      { scheduling: 'none' },
    ),
  );
  expect(err).toMatchObject({ code: 'E_USAGE' });
  expect(String(err)).toMatch(/--scheduling none: app chat was started with --sticky/);
});

test('groups: a change in place and two policies for one new host are refused; a join is planned as a new primary', () => {
  const inGroup: Parameters<typeof registryWith>[0] = [
    [{ name: 'web', primaryGroup: 'g' }, runningIn('g')],
    [{ name: 'solo', scheduling: 'none' }, runningIn(null)],
  ];
  expect(thrownBy(() => plan(inGroup.slice(0, 1), { scheduling: 'none' }))).toMatchObject({
    code: 'E_GROUP_CONFLICT',
  });
  const { registry, entries } = registryWith(inGroup);
  const solo = entries.filter((e) => e.name === 'solo');
  // Joining a running host of the other policy is for checkJoin to refuse, from the host's own hello
  // (scheduling.test.ts): the plan only says a new primary is needed.
  expect(planRestart(registry, solo, { primaryGroup: 'g' })[0]).toMatchObject({ replace: true });
  expect(planRestart(registry, solo, { primaryGroup: 'g', scheduling: 'rr' })[0]).toMatchObject({ replace: true });
  expect(thrownBy(() => planRestart(registry, entries, { primaryGroup: 'new' }))).toMatchObject({
    code: 'E_GROUP_CONFLICT',
    message: stringMatching(/apps web \(rr\) and solo \(none\) would share the host of primary group new/),
  });
  // Out of the group with a new policy: a primary of its own.
  expect(planRestart(registry, entries.slice(0, 1), { primaryGroup: null, scheduling: 'none' })[0]).toMatchObject({
    replace: true,
    spec: { primaryGroup: null, scheduling: 'none' },
  });
});
