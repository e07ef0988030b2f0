/**
 * PM2's verbs on a config file (`reload <file>`, `restart <file>`,
 * `startOrReload`, `startOrRestart`): like `apply`, every app of the file
 * that does not run is started and one that changed gets the file's spec,
 * but the verb is applied to every running app of the file even when the
 * file did not change it: a deploy runs them after new code is on disk.
 */
import { diffSpecs } from './diff';
import type { Plan, PlanAction } from './plan';
import type { AppSpec } from '../../protocol/types';

export type ForcedVerb = 'reload' | 'restart';

function forced(verb: ForcedVerb, spec: AppSpec, from: AppSpec | undefined): PlanAction {
  const changes = diffSpecs(from ?? spec, spec);
  return verb === 'reload'
    ? { kind: 'reload', name: spec.name, spec, changes }
    : { kind: 'restart-workers', name: spec.name, spec, changes };
}

/**
 * `plan` (from planApply over the file's apps, without prune) with `verb` on every running
 * app of the file: an unchanged app gets it with the file's spec, a scale-only change gets it
 * after the scale, a reload becomes a restart for `restart`. `fileSpecs` are the file's specs
 * by name, `running` each app's spec now.
 */
export function forceVerb(
  plan: Plan,
  verb: ForcedVerb,
  fileSpecs: ReadonlyMap<string, AppSpec>,
  running: ReadonlyMap<string, AppSpec>,
): Plan {
  const actions: PlanAction[] = [];
  const acts = plan.actions;
  acts.forEach((a, i) => {
    const spec = fileSpecs.get(a.name);
    if (a.kind === 'unchanged') {
      actions.push(a.inFile && spec ? forced(verb, spec, running.get(a.name)) : a);
      return;
    }
    if (a.kind === 'reload' && verb === 'restart') {
      actions.push({ kind: 'restart-workers', name: a.name, spec: a.spec, changes: a.changes });
      return;
    }
    actions.push(a);
    // A scale with no reload of the same app before or after it (only `instances` changed): the verb comes after it.
    const alone = !acts.some((b, j) => j !== i && b.name === a.name);
    if (a.kind === 'scale' && alone && spec) actions.push(forced(verb, spec, running.get(a.name)));
  });
  return { actions };
}
