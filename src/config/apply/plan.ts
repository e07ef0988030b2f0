/**
 * `planApply`: the steps that turn the running set of apps into the one a
 * config file describes. Pure: the same plan is printed by `--dry-run` and
 * executed by `apply`, step by step, so what is shown is what happens.
 */
import type { AppInfo, AppSpec } from '../../protocol/types';
import { diffSpecs, hasChanges, PRIMARY_FIELDS, type SpecChanges } from './diff';

export type PlanAction =
  /** Not registered: `start`. Registered but stopped or errored: started again with the file's spec. */
  | { kind: 'start'; name: string; spec: AppSpec; wasStopped: boolean; changes: SpecChanges | null }
  /** Instances differ: a live scale, the other workers untouched. */
  | { kind: 'scale'; name: string; from: number; to: number }
  /** Script, args, env or options differ: a rolling reload with `spec` (whose instances are the count at that step). */
  | { kind: 'reload'; name: string; spec: AppSpec; changes: SpecChanges }
  /** The interpreter or scheduling changed: the app primary itself is replaced (stop, then start with `spec`). */
  | { kind: 'restart'; name: string; spec: AppSpec; changes: SpecChanges; fields: string[] }
  /** `restart <file>`: every worker stopped, then started with `spec`, in the same primary. */
  | { kind: 'restart-workers'; name: string; spec: AppSpec; changes: SpecChanges }
  /** Running but not in the file, with `--prune`. */
  | { kind: 'delete'; name: string }
  /** Nothing to do; `inFile` false for an app the file does not list (kept without `--prune`). */
  | { kind: 'unchanged'; name: string; inFile: boolean };

export interface Plan {
  actions: PlanAction[];
}

export interface PlanOptions {
  prune: boolean;
}

/** An app with no primary that will not come back by itself. */
function isStopped(app: AppInfo): boolean {
  return app.status === 'stopped' || (app.status === 'errored' && app.primaryPid === null);
}

export function planApply(current: readonly AppInfo[], desired: readonly AppSpec[], opts: PlanOptions): Plan {
  const actions: PlanAction[] = [];
  const byName = new Map(current.map((a) => [a.name, a]));
  const wanted = new Set(desired.map((s) => s.name));

  for (const spec of desired) {
    const app = byName.get(spec.name);
    if (!app) {
      actions.push({ kind: 'start', name: spec.name, spec, wasStopped: false, changes: null });
      continue;
    }
    const changes = diffSpecs(app.spec, spec);
    const changed = hasChanges(changes);
    if (isStopped(app)) {
      actions.push({ kind: 'start', name: spec.name, spec, wasStopped: true, changes: changed ? changes : null });
      continue;
    }
    const primaryFields = changes.options.filter((f) => PRIMARY_FIELDS.has(f));
    if (primaryFields.length > 0) {
      actions.push({ kind: 'restart', name: spec.name, spec, changes, fields: primaryFields });
      continue;
    }
    const from = app.spec.instances;
    const to = spec.instances;
    if (!changed) {
      actions.push(
        from === to
          ? { kind: 'unchanged', name: spec.name, inFile: true }
          : { kind: 'scale', name: spec.name, from, to },
      );
      continue;
    }
    // Fewer workers to replace when shrinking first; new workers get the new spec when growing after.
    if (to < from) {
      actions.push({ kind: 'scale', name: spec.name, from, to });
      actions.push({ kind: 'reload', name: spec.name, spec, changes });
    } else if (to > from) {
      actions.push({ kind: 'reload', name: spec.name, spec: { ...spec, instances: from }, changes });
      actions.push({ kind: 'scale', name: spec.name, from, to });
    } else {
      actions.push({ kind: 'reload', name: spec.name, spec, changes });
    }
  }

  for (const app of current) {
    if (wanted.has(app.name)) continue;
    actions.push(
      opts.prune ? { kind: 'delete', name: app.name } : { kind: 'unchanged', name: app.name, inFile: false },
    );
  }
  return { actions };
}
