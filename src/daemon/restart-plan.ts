/**
 * What `restart` will do to each app it targets, decided for all of them
 * before any is stopped: the spec each restarts with (overrides, a new
 * primary group, a new scheduling) and whether that needs a new primary
 * process. Every refusal is thrown from here, so a refused
 * `restart all --scheduling none` changes none of the apps.
 */
import type { RestartOptions } from '../protocol/api';
import { shellName } from '../protocol/app-name';
import { ClusterctlError } from '../protocol/errors';
import type { AppSpec } from '../protocol/types';
import { PRIMARY_FIELDS } from '../config/apply/diff';
import { setScheduling } from '../config/scheduling';
import type { AppEntry, Registry } from './registry';
import { withOverrides } from './verbs-shared';

export interface RestartStep {
  entry: AppEntry;
  spec: AppSpec;
  /**
   * The app's running primary cannot give it `spec`: it is stopped and the app
   * started in a new one. Another primary group is another process; node:cluster
   * reads the scheduling policy when the primary first listens, so a new
   * scheduling is a new primary too, as are a new interpreter (the primary's own
   * node) and sticky routing (the primary's router), which a spec sent over the API
   * (`restart <file>`) can change.
   */
  replace: boolean;
}

/** --sticky apps need rr (spec-rules.ts): refused, in the words of the restart's flag. */
function refuseSticky(name: string, why: string): ClusterctlError {
  return new ClusterctlError(
    'E_USAGE',
    `--scheduling none: app ${name} was started with --sticky, and ${why}; keep it on rr, or delete it and start it again without --sticky`,
  );
}

/**
 * A group host has one policy for all its apps (group-context.ts): an app of the group cannot
 * change it where it runs. Joining a running host of the other policy is refused by checkJoin,
 * which asks the host itself (its hello), before anything is stopped.
 */
function refuseGroupScheduling(entry: AppEntry, spec: AppSpec): void {
  const group = spec.primaryGroup;
  if (group === null || spec.execMode !== 'cluster') return;
  if (entry.primary?.group === group && spec.scheduling !== entry.spec.scheduling) {
    throw new ClusterctlError(
      'E_GROUP_CONFLICT',
      `app ${entry.name} runs in primary group ${group}, whose host balances the connections of all its apps with ${entry.spec.scheduling} (node:cluster has one policy per process): to change it, move the app with \`clusterctl restart ${shellName(entry.name)} --scheduling ${spec.scheduling} --no-primary-group\` (or --primary-group NAME)`,
    );
  }
}

/** The spec `entry` restarts with: a config file's (`restart <file>`, the other options ignored), or the stored one overridden. */
function nextSpec(registry: Registry, entry: AppEntry, options: RestartOptions): AppSpec {
  if (options.spec) {
    const spec = { ...options.spec };
    registry.refuseGroupClash(spec);
    return spec;
  }
  const spec = withOverrides(entry.spec, options, options.env);
  if (options.primaryGroup !== undefined) {
    spec.primaryGroup = options.primaryGroup;
    registry.refuseGroupClash(spec);
  }
  if (options.scheduling !== undefined) {
    const refuse = (why: string) => refuseSticky(entry.name, why);
    // A fork-mode app keeps its scheduling; the CLI prints start's notice for it from the reply.
    setScheduling(spec, options.scheduling, { label: '--scheduling', refuse }, []);
  }
  return spec;
}

/** What the primary process itself runs with (apply's PRIMARY_FIELDS: interpreter, scheduling, sticky) changed. */
function primaryFieldsDiffer(from: AppSpec, to: AppSpec): boolean {
  return [...PRIMARY_FIELDS].some(
    (key) =>
      key !== 'primaryGroup' && JSON.stringify(from[key as keyof AppSpec]) !== JSON.stringify(to[key as keyof AppSpec]),
  );
}

function planOne(registry: Registry, entry: AppEntry, options: RestartOptions): RestartStep {
  const spec = nextSpec(registry, entry, options);
  refuseGroupScheduling(entry, spec);
  const handle = entry.primary;
  const replace = handle !== null && (handle.group !== spec.primaryGroup || primaryFieldsDiffer(entry.spec, spec));
  return { entry, spec, replace };
}

/** Apps restarted together into one group start one host between them: they must agree on its policy. */
function refuseDisagreement(steps: RestartStep[]): void {
  const first = new Map<string, RestartStep>();
  for (const step of steps) {
    const { primaryGroup: group, execMode, scheduling } = step.spec;
    if (group === null || execMode !== 'cluster') continue;
    const other = first.get(group);
    if (!other) first.set(group, step);
    else if (other.spec.scheduling !== scheduling)
      throw new ClusterctlError(
        'E_GROUP_CONFLICT',
        `apps ${other.entry.name} (${other.spec.scheduling}) and ${step.entry.name} (${scheduling}) would share the host of primary group ${group}, which has one connection scheduling for all its apps: restart them with one --scheduling`,
      );
  }
}

/** Every target's step, or the first refusal (nothing has been touched yet). */
export function planRestart(registry: Registry, entries: AppEntry[], options: RestartOptions): RestartStep[] {
  const steps = entries.map((entry) => planOne(registry, entry, options));
  refuseDisagreement(steps);
  return steps;
}
