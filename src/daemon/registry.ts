/**
 * The daemon's registry of apps: desired state, the stored spec, the latest
 * status each app primary reported, and the bookkeeping that must survive a
 * stop/start (restart counts). `ls` is answered from here without a
 * round-trip to any primary. Every change to what is persisted goes through
 * `persist()`, which rewrites state.json.
 */
import { ClusterctlError } from '../protocol/errors';
import type { PrimaryStatus } from '../protocol/api';
import type { AppSpec } from '../protocol/types';
import type { PrimaryHandle } from './app-primary';
import { STATE_VERSION, writeState, type DesiredState, type PersistedState } from '../state/state-file';

export interface Recovery {
  timer: NodeJS.Timeout | null;
  /** Why the primary is being restarted, shown on its workers. */
  reason: string;
}

export interface AppEntry {
  name: string;
  spec: AppSpec;
  desired: DesiredState;
  createdAt: number;
  restartOffsets: Record<string, number>;
  primary: PrimaryHandle | null;
  /** The last status the primary reported (kept after it dies, for the restart counts). */
  status: PrimaryStatus | null;
  /** The operation that holds this app ('start', 'reload', ...), or null. */
  op: string | null;
  /** Set while the daemon is restarting a primary that died. */
  recovery: Recovery | null;
  /** Why the app is errored (its primary could not be kept running), or null. */
  failure: string | null;
  /** epoch ms the current primary was attached, for the "stayed up 30 s" reset. */
  attachedAt: number;
  /** Restarts of the app primary in a row that did not stay up 30 s. */
  crashStreak: number;
  /** False while the app's very first start runs: a failed first start leaves no trace. */
  registered: boolean;
}

export class Registry {
  private readonly apps = new Map<string, AppEntry>();

  constructor(
    private readonly stateFile: string,
    private readonly onPersistError: (err: unknown) => void = () => undefined,
  ) {}

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
    init: Partial<Pick<AppEntry, 'desired' | 'createdAt' | 'restartOffsets' | 'op' | 'registered'>> = {},
  ): AppEntry {
    if (this.apps.has(spec.name)) {
      throw new ClusterctlError(
        'E_APP_EXISTS',
        `app ${spec.name} already exists; use \`clusterctl restart ${spec.name}\` or \`clusterctl delete ${spec.name}\``,
      );
    }
    const entry: AppEntry = {
      name: spec.name,
      spec,
      desired: init.desired ?? 'running',
      createdAt: init.createdAt ?? Date.now(),
      restartOffsets: { ...(init.restartOffsets ?? {}) },
      primary: null,
      status: null,
      op: init.op ?? null,
      recovery: null,
      failure: null,
      attachedAt: 0,
      crashStreak: 0,
      registered: init.registered ?? true,
    };
    this.apps.set(spec.name, entry);
    return entry;
  }

  remove(name: string): void {
    this.apps.delete(name);
  }

  clear(): void {
    this.apps.clear();
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

  /** A name, or `all`; matching nothing is an error, `all` included. */
  resolve(target: string): AppEntry[] {
    if (target === 'all') {
      const all = this.all();
      if (all.length === 0)
        throw new ClusterctlError('E_APP_NOT_FOUND', 'no apps are registered (target "all" matches nothing)');
      return all;
    }
    return [this.find(target)];
  }

  /** Marks `entries` busy with `op` for the time `fn` runs; refuses if any is already busy. */
  async exclusive<T>(entries: AppEntry[], op: string, fn: () => Promise<T>): Promise<T> {
    const busy = entries.find((e) => e.op !== null);
    if (busy) {
      throw new ClusterctlError(
        'E_BUSY',
        `app ${busy.name} is busy: a ${busy.op} is in progress; try again once it has finished`,
      );
    }
    for (const e of entries) e.op = op;
    try {
      return await fn();
    } finally {
      for (const e of entries) if (e.op === op) e.op = null;
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
    try {
      writeState(this.stateFile, this.snapshot());
    } catch (err) {
      this.onPersistError(err);
    }
  }
}
