/**
 * Running a plan of config-file steps (src/config/apply) against the daemon, one step at a
 * time, printing each as it is done: `apply`, and the PM2 verbs on a config file
 * (`reload <file>`, `restart <file>`, `startOrReload`, `startOrRestart`, and `start <file>`
 * for the apps that already exist).
 */
import type { Client } from '../../client/client';
import type { ForcedVerb, Plan, PlanAction } from '../../config/apply';
import { ClusterctlError } from '../../protocol/errors';
import type { AppInfo, AppSpec } from '../../protocol/types';
import { notice, print } from '../output';

async function execute(client: Client, action: PlanAction): Promise<void> {
  switch (action.kind) {
    case 'start':
      // A registered app that is stopped starts again with the file's spec (a reload of a stopped app is a start).
      if (action.wasStopped) await client.reload({ target: action.name, options: { spec: action.spec } });
      else await client.start({ spec: action.spec });
      return;
    case 'scale':
      await client.scale({ name: action.name, target: { mode: 'absolute', value: action.to } });
      return;
    case 'reload':
      await client.reload({ target: action.name, options: { spec: action.spec } });
      return;
    case 'restart':
      // The primary itself runs on the old interpreter: stop it, then start a new one with the spec.
      await client.stop({ target: action.name });
      await client.reload({ target: action.name, options: { spec: action.spec } });
      return;
    case 'restart-workers':
      await client.restart({ target: action.name, options: { spec: action.spec } });
      return;
    case 'delete':
      await client.delete({ target: action.name });
      return;
    case 'unchanged':
      return;
  }
}

/** Runs every step in order; on a failure, says how far it got and rethrows. */
export async function runPlan(client: Client, plan: Plan, verb: string): Promise<void> {
  const { formatAction } = await import('../../config/apply');
  const width = Math.max(0, ...plan.actions.map((a) => a.name.length));
  let done = 0;
  for (const action of plan.actions) {
    try {
      await execute(client, action);
    } catch (err) {
      const left = plan.actions.slice(done + 1).filter((a) => a.kind !== 'unchanged').length;
      notice(`${verb} stopped at "${formatAction(action, width)}": ${done} step(s) done, ${left} more not attempted`);
      throw err instanceof ClusterctlError ? err : new ClusterctlError('E_INTERNAL', String(err));
    }
    print(formatAction(action, width));
    done++;
  }
}

/**
 * `verb` on every app of `specs` (src/config/apply/force.ts): apply's plan from `current`
 * (what the daemon runs of those apps), with the verb given to every running app, changed
 * or not; run step by step under `label` (the command's name, for the failure notice).
 */
export async function runForced(
  client: Client,
  verb: ForcedVerb,
  specs: AppSpec[],
  current: AppInfo[],
  label: string,
): Promise<Plan> {
  const { planApply, forceVerb } = await import('../../config/apply');
  const plan = forceVerb(
    planApply(current, specs, { prune: false }),
    verb,
    new Map(specs.map((s) => [s.name, s])),
    new Map(current.map((a) => [a.name, a.spec])),
  );
  await runPlan(client, plan, label);
  return plan;
}
