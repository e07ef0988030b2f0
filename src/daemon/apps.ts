/**
 * The coordinator the verbs share: the registry, the daemon's log, the
 * primaries being launched and the revival of dead ones. What each verb
 * does lives in handlers/<verb>.ts; spawning and initialising a primary in
 * launch.ts; adoption at daemon start in adoption.ts; supervision of the
 * primaries in revival.ts.
 */
import type { PrimaryStatus } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { applyMetrics } from '../protocol/metrics';
import type { AppInfo, AppSpec } from '../protocol/types';
import type { PrimaryHandle } from './app-primary';
import { toAppInfo } from './app-info';
import { Launches, spawnAndInit } from './launch';
import type { Logger } from './logger';
import type { AppEntry, Registry } from './registry';
import { Revival } from './revival';
import { countReplacement, foldRestarts } from './verbs-shared';
import { freshHistory } from '../supervision/restart-policy';

export interface ManagerDeps {
  home: string;
  runDir: string;
  stateFile: string;
  registry: Registry;
  logger: Logger;
  cpus: () => number;
}

export class AppManager {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly revival: Revival;
  private readonly launches = new Launches();
  private shuttingDown = false;

  constructor(readonly deps: ManagerDeps) {
    this.registry = deps.registry;
    this.logger = deps.logger;
    this.revival = new Revival(this);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  list(): AppInfo[] {
    return this.registry.all().map(toAppInfo);
  }

  describe(name: string): AppInfo {
    return toAppInfo(this.registry.find(name));
  }

  /** The live primary of an app, or null when it has none (stopped, or between primaries). */
  primaryOf(name: string): PrimaryHandle | null {
    const handle = this.registry.find(name).primary;
    return handle && !handle.isGone ? handle : null;
  }

  refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new ClusterctlError('E_BUSY', 'the daemon is shutting down');
  }

  /** No new operation from now on; resolves once every launch in flight has ended (`kill` then stops them too). */
  async beginShutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.launches.allSettled();
  }

  /** Spawns a primary for the entry and initialises it; on failure the primary is stopped and the error thrown. */
  launch(entry: AppEntry): Promise<PrimaryHandle> {
    return this.launches.track(
      spawnAndInit(
        this.deps.home,
        entry,
        (handle, status) => this.attach(entry, handle, status, false),
        (handle, s) => {
          if (entry.primary === handle) entry.status = s;
          else if (!entry.primary) entry.launching = s;
          else return;
          this.registry.changed();
        },
        (handle, m) => {
          if (entry.primary !== handle || !entry.status) return;
          applyMetrics(entry.status, m);
          this.registry.changed();
        },
      ).finally(() => {
        entry.launching = null;
      }),
    );
  }

  /** `subscribe`: false when the caller already streams the handle's status into the entry. */
  attach(entry: AppEntry, handle: PrimaryHandle, status: PrimaryStatus, subscribe = true): void {
    entry.primary = handle;
    entry.status = status;
    entry.attachedAt = Date.now();
    entry.launching = null;
    this.registry.changed();
    if (subscribe)
      handle.subscribe(
        (s) => {
          if (entry.primary !== handle) return;
          entry.status = s;
          this.registry.changed();
        },
        (m) => {
          if (entry.primary !== handle || !entry.status) return;
          applyMetrics(entry.status, m);
          this.registry.changed();
        },
      );
    handle.onGone((info) => this.revival.onPrimaryGone(entry, handle, info));
  }

  /**
   * A stopped, errored or reviving app asked to run by a person (resume,
   * restart, reload): start it with a fresh restart history. When no
   * primary could be kept running the app has given up, with why.
   */
  async startAgain(entry: AppEntry, spec: AppSpec): Promise<void> {
    this.revival.cancel(entry);
    entry.revivals = freshHistory();
    entry.spec = spec;
    entry.desired = 'running';
    try {
      await this.launch(entry);
    } catch (err) {
      if (!entry.primary) {
        const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
        this.registry.transition(entry, { type: 'give-up', reason: `could not be started: ${why}` });
      }
      throw err;
    }
  }

  /**
   * `restart` into another primary group, or out of one, or with another
   * scheduling: a primary cannot take an app over from another process, nor
   * change node:cluster's policy once it listened, so the app stops where it
   * runs and starts again in a new primary (brief downtime, as any restart).
   * The caller refused beforehand what the new place cannot run (restart-plan.ts, checkJoin).
   */
  async moveTo(entry: AppEntry, spec: AppSpec): Promise<void> {
    // A move replaces each worker: one restart of each, as a `restart` in place counts it.
    await this.stopPrimary(entry, true);
    await this.startAgain(entry, spec);
  }

  /** Stops the app's primary (if any) and leaves the app stopped; the caller put it in `stopping`. */
  async stopOne(entry: AppEntry): Promise<void> {
    this.revival.cancel(entry);
    entry.desired = 'stopped';
    const handle = await this.stopPrimary(entry);
    if (handle) this.logger.info({ app: entry.name, primaryPid: handle.pid }, 'app stopped');
    if (entry.phase.kind === 'stopping') this.registry.transition(entry, { type: 'stopped' });
  }

  /**
   * Stops the app's primary, if it has one, folds its restart counts in
   * (`replaced`: plus one for each live worker) and detaches it; returns it.
   */
  private async stopPrimary(entry: AppEntry, replaced = false): Promise<PrimaryHandle | null> {
    const handle = entry.primary;
    if (!handle) return null;
    // The handle stays attached while it stops, so `ls` shows each worker stopping;
    // stop() marks the exit as expected, so it is not taken for a crash.
    const live = entry.status;
    const final = await handle.stop(entry.spec.killTimeout);
    foldRestarts(entry, final ?? entry.status, false);
    if (replaced && live) countReplacement(entry, live);
    if (entry.primary === handle) entry.primary = null;
    entry.status = null;
    this.registry.changed();
    return handle;
  }

  /** The daemon is going away but the apps stay: drop our connections and timers only. */
  detachAll(): void {
    this.shuttingDown = true;
    for (const e of this.registry.all()) {
      this.revival.cancel(e);
      e.primary?.detach();
    }
  }
}
