/**
 * What the apps of one primary group host share, and so what each must
 * agree on: the node binary (one process), node:cluster's scheduling policy
 * (one cluster primary: it freezes at the first `setupPrimary`, see
 * lib/internal/cluster/primary.js in Node 20, so only the first cluster-mode
 * app sets it) and the listening handles (port-claims.ts).
 */
import cluster from 'node:cluster';
import { realpathSync } from 'node:fs';
import type { GroupHello } from '../protocol/group-api';
import { ClusterctlError } from '../protocol/errors';
import type { AppSpec } from '../protocol/types';
import { PortClaims } from './process/port-claims';

type Scheduling = AppSpec['scheduling'];

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function conflict(message: string): ClusterctlError {
  return new ClusterctlError('E_GROUP_CONFLICT', message);
}

export class GroupContext {
  readonly ports: PortClaims;
  /** node:cluster's policy once a cluster-mode app of the host set it; null before. */
  private frozen: Scheduling | null = null;
  private readonly node = realOrSame(process.execPath);

  constructor(readonly name: string) {
    this.ports = new PortClaims(name);
  }

  get scheduling(): GroupHello['scheduling'] {
    return this.frozen;
  }

  /** Throws E_GROUP_CONFLICT, with what to do, when this host cannot run `spec` as it asks. */
  check(spec: AppSpec): void {
    const own = `give ${spec.name} its own primary (drop --primary-group) or`;
    if (spec.primaryGroup !== this.name) {
      const asked = spec.primaryGroup === null ? 'no primary group' : `primary group ${spec.primaryGroup}`;
      throw conflict(`app ${spec.name} asks for ${asked}, but this is the host of primary group ${this.name}`);
    }
    if (realOrSame(spec.interpreter) !== this.node) {
      throw conflict(
        `app ${spec.name} runs on ${spec.interpreter}, but primary group ${this.name} runs on ${process.execPath}: ` +
          `${own} use that node`,
      );
    }
    if (spec.execMode === 'cluster' && this.frozen !== null && spec.scheduling !== this.frozen) {
      throw conflict(
        `app ${spec.name} asks for scheduling ${spec.scheduling}, but primary group ${this.name} balances ` +
          `connections with ${this.frozen} (node:cluster has one policy per process): ${own} give it scheduling '${this.frozen}'`,
      );
    }
  }

  /** After check(): the first cluster-mode app sets node:cluster's policy, for every app of the host. */
  adopt(spec: AppSpec): void {
    if (spec.execMode !== 'cluster' || this.frozen !== null) return;
    this.frozen = spec.scheduling;
    cluster.schedulingPolicy = spec.scheduling === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;
  }
}
