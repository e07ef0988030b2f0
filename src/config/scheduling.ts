/**
 * node:cluster's connection scheduling, from `--scheduling` or a config
 * file's `scheduling` (a clusterctl extension). 'rr', the default: the app
 * primary accepts every connection and hands it to a worker in turn (node's
 * default on Linux, PM2's only mode). 'none': the workers accept on the
 * shared listening socket themselves, so the primary is off the accept path
 * and the kernel spreads the connections (unevenly on Linux, which is why
 * node keeps rr as its default). Node's own switch,
 * NODE_CLUSTER_SCHED_POLICY, is read from the primary's environment, which
 * is clusterctl's and not the user's: hence a field of the spec.
 */
import { ClusterctlError } from '../protocol/errors';
import { STICKY_NEEDS_RR } from '../protocol/spec-rules';
import type { AppSpec } from '../protocol/types';

export { STICKY_NEEDS_RR };

export type Scheduling = AppSpec['scheduling'];

export const SCHEDULINGS: readonly Scheduling[] = ['rr', 'none'];

export function parseScheduling(label: string, raw: string): Scheduling {
  const found = SCHEDULINGS.find((s) => s === raw.trim());
  if (found === undefined)
    throw new ClusterctlError('E_USAGE', `${label} ${JSON.stringify(raw)}: expected one of ${SCHEDULINGS.join(', ')}`);
  return found;
}

export interface SchedulingSource {
  /** How the user wrote it, for the notice: '--scheduling' or 'scheduling'. */
  label: string;
  /** The error for sticky + none, in the words of the source (a usage error, a config field error). */
  refuse: (why: string) => Error;
}

/**
 * Sets `spec.scheduling` once the exec mode and sticky are known. Fork-mode
 * processes share no listening socket, so there it means nothing: a notice,
 * and the spec keeps the default. Sticky routing needs rr: refused.
 */
export function setScheduling(spec: AppSpec, asked: Scheduling, source: SchedulingSource, notices: string[]): void {
  if (spec.execMode === 'fork') {
    notices.push(schedulingNotUsed(spec.name, source.label));
    return;
  }
  if (asked === 'none' && spec.sticky) throw source.refuse(STICKY_NEEDS_RR);
  spec.scheduling = asked;
}

/** The notice for a fork-mode app asked for a scheduling (start, run, restart: one wording). */
export function schedulingNotUsed(app: string, label: string): string {
  return `${app}: ${label} applies to cluster mode only (fork-mode processes share no listening socket); not used`;
}
