/**
 * The daemon's registry of apps: desired state, the stored spec, the latest
 * status each app primary reported, and the bookkeeping that must survive a
 * stop/start (restart counts), and each app's lifecycle phase. `ls` is answered from here without a
 * round-trip to any primary. Every change to what is persisted goes through
 * `persist()`, which rewrites state.json. Every change a watcher should see
 * (a phase, a pushed status, an app added or removed, a persist) calls
 * `onChange`, which the daemon points at its ChangeFeed.
 */
import { appFileName, shellName } from '../protocol/app-name';
import { ClusterctlError } from '../protocol/errors';
import type { PrimaryStatus } from '../protocol/api';
import type { AppSpec } from '../protocol/types';
import type { PrimaryHandle } from './app-primary';
import { busyOp, transition, type AppEvent, type AppPhase, type IllegalTransitionError } from './lifecycle/app-phase';
import { freshHistory, type RestartHistory } from '../supervision/restart-policy';
import { STATE_VERSION, writeState, type DesiredState, type PersistedState } from '../state/state-file';

export interface AppEntry {
  name: string;
  spec: AppSpec;
  desired: DesiredState;
  createdAt: number;
  restartOffsets: Record<string, number>;
  /** Where the app is in its lifecycle; written only through Registry.transition. */
  phase: AppPhase;
  primary: PrimaryHandle | null;
  /** The last status the primary reported (kept after it dies, for the restart counts). */
  status: PrimaryStatus | null;
  /** epoch ms the current primary was attached, for its uptime when it dies. */
  attachedAt: number;
  /** What a primary being launched reports before its `init` returns (workers launching), else null. */
  launching: PrimaryStatus | null;
  /** The primary restart policy's memory: deaths in a row, backoff step. */
  revivals: RestartHistory;
  /** False while the app's very first start runs: a failed first start leaves no trace. */
  registered: boolean;
}

export class Registry {
  private readonly apps = new Map<string, AppEntry>();

  constructor(
    private readonly stateFile: string,
    private readonly onPersistError: (err: unknown) => void = () => undefined,
    private readonly onIllegalTransition: (err: IllegalTransitionError) => void = () => undefined,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Moves an app to its next phase (see lifecycle/app-phase); false when the event was refused. */
  transition(entry: AppEntry, event: AppEvent): boolean {
    const moved = transition(entry, event, this.onIllegalTransition);
    if (moved) this.onChange();
    return moved;
  }

  /** What an app shows changed outside a transition (its primary pushed a status, was attached or lost). */
  changed(): void {
    this.onChange();
  }

  get size(): number {
    return this.apps.size;
  }

  get(name: string): AppEntry | undefined {
    return this.apps.get(name);
  }

  has(name: string): boolean {
    return this.apps.has(name);
  }

  all(): AppEntry[] {
    return [...this.apps.values()].sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  add(
    spec: AppSpec,
    init: Partial<Pick<AppEntry, 'desired' | 'createdAt' | 'restartOffsets' | 'phase' | 'registered'>> = {},
  ): AppEntry {
    if (this.apps.has(spec.name)) {
      const word = shellName(spec.name);
      throw new ClusterctlError(
        'E_APP_EXISTS',
        `app ${spec.name} already exists; use \`clusterctl restart ${word}\` or \`clusterctl delete ${word}\``,
      );
    }
    this.refuseFileFormClash(spec.name);
    this.refuseGroupClash(spec);
    const entry: AppEntry = {
      name: spec.name,
      spec,
      desired: init.desired ?? 'running',
      createdAt: init.createdAt ?? Date.now(),
      restartOffsets: { ...(init.restartOffsets ?? {}) },
      phase: init.phase ?? { kind: 'stopped' },
      primary: null,
      status: null,
      attachedAt: 0,
      launching: null,
      revivals: freshHistory(),
      registered: init.registered ?? true,
    };
    this.apps.set(spec.name, entry);
    this.onChange();
    return entry;
  }

  /**
   * Two primary group names with one file form would share one host's socket,
   * lock and log (run/groups/<form>.sock): the second is refused, as app names are.
   */
  refuseGroupClash(spec: AppSpec): void {
    const group = spec.primaryGroup;
    if (group === null) return;
    const form = appFileName(group);
    for (const other of this.apps.values()) {
      const theirs = other.spec.primaryGroup;
      if (other.name === spec.name || theirs === null || theirs === group || appFileName(theirs) !== form) continue;
      throw new ClusterctlError(
        'E_NAME_CLASH',
        `primary group ${JSON.stringify(group)} has the file form ${form} of group ${JSON.stringify(theirs)} (of app ${JSON.stringify(other.name)}, run/groups/${form}.sock); use the same group name or another one`,
      );
    }
  }

  /** Two names with one file form would share a socket, a lock and log files: the second is refused. */
  private refuseFileFormClash(name: string): void {
    const form = appFileName(name);
    for (const other of this.apps.keys()) {
      if (appFileName(other) !== form) continue;
      throw new ClusterctlError(
        'E_NAME_CLASH',
        `app name ${JSON.stringify(name)} has the file form ${form} of app ${JSON.stringify(other)} (logs/${form}-out.log, run/${form}.sock); rename one of them`,
      );
    }
  }

  remove(name: string): void {
    if (this.apps.delete(name)) this.onChange();
  }

  clear(): void {
    this.apps.clear();
    this.onChange();
  }

  /** One app by name (`all` is not a name); unknown is E_APP_NOT_FOUND. */
  find(name: string): AppEntry {
    const entry = this.apps.get(name);
    if (!entry)
      throw new ClusterctlError(
        'E_APP_NOT_FOUND',
        `no app named ${JSON.stringify(name)}; \`clusterctl ls\` lists the apps`,
      );
    return entry;
  }

  /**
   * A name, a namespace, or `all`; matching nothing is an error, `all`
   * included. As PM2 does, an app's name wins over a namespace of that name:
   * the namespace is looked for only when no app has the name.
   */
  resolve(target: string): AppEntry[] {
    if (target === 'all') {
      const all = this.all();
      if (all.length === 0)
        throw new ClusterctlError('E_APP_NOT_FOUND', 'no apps are registered (target "all" matches nothing)');
      return all;
    }
    const members = this.apps.has(target) ? [] : this.inNamespace(target);
    return members.length > 0 ? members : [this.find(target)];
  }

  /** `all`, or a namespace no app is named: a set of apps, which verbs treat as they treat `all`. */
  isSet(target: string): boolean {
    return target === 'all' || (!this.apps.has(target) && this.inNamespace(target).length > 0);
  }

  private inNamespace(namespace: string): AppEntry[] {
    return this.all().filter((e) => e.spec.namespace === namespace);
  }

  /**
   * Runs `fn` with `entries` in the phase of `op`; refuses if any is busy.
   * An app still in that phase afterwards is settled: running if it has a
   * live primary, otherwise back where it was (scale) or given up.
   */
  async exclusive<T>(entries: AppEntry[], op: VerbOp, fn: () => Promise<T>): Promise<T> {
    for (const e of entries) {
      const busy = busyOp(e.phase);
      if (busy !== null) {
        throw new ClusterctlError(
          'E_BUSY',
          `app ${e.name} is busy: a ${busy} is in progress; try again once it has finished`,
        );
      }
    }
    const begun = new Map<AppEntry, AppPhase>();
    for (const e of entries) if (this.transition(e, beginEvent(op))) begun.set(e, e.phase);
    try {
      return await fn();
    } finally {
      for (const [e, phase] of begun) if (e.phase === phase) this.settle(e, op);
    }
  }

  private settle(entry: AppEntry, op: VerbOp): void {
    const phase = entry.phase;
    if (phase.kind === 'stopping') {
      this.transition(entry, { type: 'stopped' });
    } else if (phase.kind === 'scaling' || (entry.primary !== null && !entry.primary.isGone)) {
      this.transition(entry, { type: 'settled' });
    } else {
      this.transition(entry, { type: 'give-up', reason: `the ${op} ended with no app primary running` });
    }
  }

  /** What state.json holds: an app whose first start is still running is not registered yet. */
  snapshot(): PersistedState {
    return {
      version: STATE_VERSION,
      apps: this.all()
        .filter((e) => e.registered)
        .map((e) => ({ spec: e.spec, desired: e.desired, createdAt: e.createdAt, restartOffsets: e.restartOffsets })),
    };
  }

  persist(): void {
    // A persist follows a change of spec or desired state (reload, scale, restart --update-env).
    this.onChange();
    try {
      writeState(this.stateFile, this.snapshot());
    } catch (err) {
      this.onPersistError(err);
    }
  }
}

/** The operations a person runs on registered apps. */
export type VerbOp = 'resume' | 'stop' | 'delete' | 'restart' | 'reload' | 'scale';

function beginEvent(op: VerbOp): AppEvent {
  switch (op) {
    case 'resume':
      return { type: 'launch', op: 'resume' };
    case 'stop':
    case 'delete':
      return { type: 'stop', op };
    default:
      return { type: op };
  }
}
