/**
 * Every operation the daemon performs on apps, on top of the registry: first
 * start, stop, restart, reload, scale, delete, adoption of running primaries
 * at daemon start, and supervision of the primaries themselves (a primary
 * that dies is started again from the stored spec, with backoff). Handlers
 * validate the request and call one method here.
 */
import { readdirSync } from 'node:fs';
import type {
  LifecycleOverrides,
  PrimaryStatus,
  ProgressEvent,
  ReloadOptions,
  RestartOptions,
  ScaleTarget,
} from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { BACKOFF_RESET_AFTER_MS, backoffDelay } from '../supervision/backoff';
import { MAX_SOCKET_PATH_BYTES, primarySocketPath } from '../protocol/paths';
import { DEFAULTS } from '../config/defaults';
import type { AppInfo, AppSpec } from '../protocol/types';
import { applyScaleTarget } from '../config/instances';
import { killSession, PrimaryHandle, type GoneInfo } from './app-primary';
import { toAppInfo } from './app-info';
import type { Logger } from './logger';
import type { AppEntry, Registry } from './registry';
import { readState } from '../state/state-file';

/** A dead app primary is revived with the workers' default backoff and crash-loop limit. */
const MAX_PRIMARY_RESTARTS = DEFAULTS.maxRestarts;

export interface ManagerDeps {
  home: string;
  runDir: string;
  stateFile: string;
  registry: Registry;
  logger: Logger;
  cpus: () => number;
}

/** Delay before reviving a primary for the `attempt`-th time in a row. */
export function primaryBackoff(attempt: number): number {
  return backoffDelay(DEFAULTS.expBackoffRestartDelay, attempt);
}

export class AppManager {
  private readonly registry: Registry;
  private readonly logger: Logger;
  private shuttingDown = false;
  /** Primaries being spawned and initialised right now: `kill` waits for them, then stops them too. */
  private readonly launching = new Set<Promise<PrimaryHandle>>();

  constructor(private readonly deps: ManagerDeps) {
    this.registry = deps.registry;
    this.logger = deps.logger;
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

  /** `clusterctl start <script>`: a new app; if no primary could run it, nothing is registered. */
  async start(spec: AppSpec): Promise<AppInfo> {
    this.refuseWhileShuttingDown();
    if (spec.name === 'all') throw new ClusterctlError('E_BAD_NAME', 'app name "all" is reserved (it means every app)');
    const socket = primarySocketPath(this.deps.home, spec.name);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
      // The kernel refuses longer Unix socket paths (sun_path is 108 bytes with its terminator).
      throw new ClusterctlError(
        'E_BAD_NAME',
        `app name ${spec.name} makes its control socket path ${Buffer.byteLength(socket)} bytes long (at most ${MAX_SOCKET_PATH_BYTES}); use a shorter name or a shorter CLUSTERCTL_HOME`,
      );
    }
    const entry = this.registry.add(spec, { op: 'start', registered: false });
    try {
      await this.launch(entry);
    } catch (err) {
      if (entry.primary) {
        // A worker did not come online, but the primary runs and its restart
        // policy has the instance (backoff, then errored): the app exists and
        // `ls` shows why; the caller still gets the error and exits 1.
        entry.registered = true;
        this.registry.persist();
      } else {
        this.registry.remove(spec.name);
      }
      throw err;
    } finally {
      entry.op = null;
    }
    entry.registered = true;
    this.registry.persist();
    this.logger.info({ app: spec.name, instances: spec.instances, primaryPid: entry.primary?.pid }, 'app started');
    return toAppInfo(entry);
  }

  /** `clusterctl start <name>`: start registered apps that are stopped, counters unchanged. */
  async resume(target: string): Promise<AppInfo[]> {
    this.refuseWhileShuttingDown();
    const entries = this.registry.resolve(target);
    const idle = entries.filter((e) => e.primary === null);
    if (target !== 'all' && idle.length === 0) {
      throw new ClusterctlError(
        'E_APP_EXISTS',
        `app ${target} is already running; use \`clusterctl restart ${target}\` to restart it`,
      );
    }
    await this.registry.exclusive(idle, 'resume', async () => {
      await settleAll(
        idle,
        async (entry) => {
          await this.startAgain(entry, entry.spec);
          this.logger.info({ app: entry.name, primaryPid: entry.primary?.pid }, 'app resumed');
        },
        () => this.registry.persist(),
      );
    });
    // Built once the operation has released the apps, so they do not read as still busy.
    return entries.map(toAppInfo);
  }

  async stop(target: string): Promise<AppInfo[]> {
    this.refuseWhileShuttingDown();
    const entries = this.registry.resolve(target);
    await this.registry.exclusive(entries, 'stop', async () => {
      await settleAll(
        entries,
        (entry) => this.stopOne(entry),
        () => this.registry.persist(),
      );
    });
    // Built once the operation has released the apps, so they do not read as still busy.
    return entries.map(toAppInfo);
  }

  async restart(target: string, options: RestartOptions = {}): Promise<AppInfo[]> {
    this.refuseWhileShuttingDown();
    const listed = this.registry.resolve(target);
    const entries = forTarget(listed, target);
    await this.registry.exclusive(entries, 'restart', async () => {
      await settleAll(
        entries,
        async (entry) => {
          const spec = withOverrides(entry.spec, options, options.env);
          const handle = entry.primary;
          if (handle) {
            entry.status = settled(await handle.restart(spec));
            entry.spec = spec;
          } else {
            await this.startAgain(entry, spec);
          }
          this.logger.info({ app: entry.name }, 'app restarted');
        },
        () => this.registry.persist(),
      );
    });
    // Built once the operation has released the apps, so they do not read as still busy.
    return listed.map(toAppInfo);
  }

  async reload(
    target: string,
    options: ReloadOptions = {},
    onProgress?: (event: ProgressEvent) => void,
  ): Promise<AppInfo[]> {
    this.refuseWhileShuttingDown();
    const listed = this.registry.resolve(target);
    const entries = forTarget(listed, target);
    const parallel = options.parallel ?? 1;
    const newSpec = options.spec;
    if (newSpec && (entries.length !== 1 || entries[0]?.name !== newSpec.name)) {
      // `apply` reloads one app with its new spec; a spec is never spread over another app.
      throw new ClusterctlError(
        'E_USAGE',
        `a reload with a new spec targets that one app (${newSpec.name}), not ${JSON.stringify(target)}`,
      );
    }
    await this.registry.exclusive(entries, 'reload', async () => {
      // One app at a time: a reload briefly runs extra workers, and `reload all` should not double the machine's load.
      for (const entry of entries) {
        const spec = newSpec ?? withOverrides(entry.spec, options);
        const handle = entry.primary;
        if (handle) {
          entry.status = settled(await handle.reload(spec, parallel, onProgress));
          entry.spec = spec;
        } else {
          await this.startAgain(entry, spec);
        }
        this.registry.persist();
        this.logger.info({ app: entry.name, parallel }, 'app reloaded');
      }
    });
    // Built once the operation has released the apps, so they do not read as still busy.
    return listed.map(toAppInfo);
  }

  async scale(name: string, target: ScaleTarget): Promise<AppInfo> {
    this.refuseWhileShuttingDown();
    const entry = this.registry.find(name);
    await this.registry.exclusive([entry], 'scale', async () => {
      const instances = applyScaleTarget(target, entry.spec.instances, this.deps.cpus(), entry.name);
      const running = entry.status ? entry.status.workers.length : 0;
      if (instances === entry.spec.instances && (entry.primary === null || running === instances)) return;
      const spec = { ...entry.spec, instances };
      if (entry.primary) entry.status = settled(await entry.primary.scale(instances));
      entry.spec = spec;
      this.registry.persist();
      this.logger.info({ app: entry.name, instances }, 'app scaled');
    });
    return toAppInfo(entry);
  }

  async delete(target: string): Promise<string[]> {
    this.refuseWhileShuttingDown();
    const entries = this.registry.resolve(target);
    return this.registry.exclusive(entries, 'delete', async () => {
      const deleted: string[] = [];
      await settleAll(
        entries,
        async (entry) => {
          await this.stopOne(entry);
          this.registry.remove(entry.name);
          deleted.push(entry.name);
        },
        () => this.registry.persist(),
      );
      this.logger.info({ apps: deleted }, 'apps deleted');
      return entries.map((e) => e.name).filter((n) => deleted.includes(n));
    });
  }

  /** Stops every app (in parallel) and forgets them all: the next daemon starts empty. */
  async killAll(): Promise<string[]> {
    this.shuttingDown = true;
    // A start still in flight would otherwise leave its primary running after the daemon is gone.
    await Promise.allSettled([...this.launching]);
    const entries = this.registry.all();
    const running = entries.filter((e) => e.primary !== null).map((e) => e.name);
    for (const e of entries) e.op = 'kill';
    await Promise.allSettled(entries.map((e) => this.stopOne(e)));
    this.registry.clear();
    this.registry.persist();
    this.logger.info({ apps: running }, 'every app stopped for kill');
    return running;
  }

  /** The daemon is going away but the apps stay: drop our connections and timers only. */
  detachAll(): void {
    this.shuttingDown = true;
    for (const e of this.registry.all()) {
      this.cancelRecovery(e);
      e.primary?.detach();
    }
  }

  /**
   * At daemon start: re-register the apps of state.json, adopt every primary
   * that still answers (same workers, nothing restarted), and start again the
   * apps that should run but whose primary is gone.
   */
  async restore(): Promise<void> {
    const { state, warnings } = readState(this.deps.stateFile);
    for (const w of warnings) this.logger.warn({ stateFile: this.deps.stateFile }, w);
    for (const app of state.apps) {
      if (this.registry.has(app.spec.name)) continue;
      this.registry.add(app.spec, {
        desired: app.desired,
        createdAt: app.createdAt,
        restartOffsets: app.restartOffsets,
      });
    }
    const names = new Set(this.registry.all().map((e) => e.name));
    for (const name of socketNames(this.deps.runDir)) names.add(name);
    await Promise.all([...names].map((name) => this.adoptOrRevive(name)));
    this.registry.persist();
  }

  private async adoptOrRevive(name: string): Promise<void> {
    let handle: PrimaryHandle | null = null;
    try {
      handle = await PrimaryHandle.connect(primarySocketPath(this.deps.home, name), name, 1000);
    } catch {
      handle = null;
    }
    let entry = this.registry.get(name);
    if (handle) {
      let status: PrimaryStatus = handle.hello;
      if (!entry) {
        // A primary that state.json does not know (the file was lost): its own spec describes it.
        entry = this.registry.add(status.spec, { desired: 'running', createdAt: status.startedAt });
      }
      if (!status.initialised) {
        // It was spawned but never initialised (the previous daemon died in between): start over.
        this.logger.warn(
          { app: name, primaryPid: handle.pid },
          'found an app primary that was never initialised; replacing it',
        );
        await handle.stop(entry.spec.killTimeout);
        handle = null;
      } else {
        status = await handle.status().catch(() => status);
        entry.desired = 'running';
        this.attach(entry, handle, status);
        this.logger.info(
          { app: name, primaryPid: handle.pid, workers: status.workers.map((w) => w.pid) },
          'adopted running app primary',
        );
        return;
      }
    }
    if (entry && entry.desired === 'running') {
      this.logger.warn({ app: name }, 'app should run but its primary is gone; starting it again');
      this.scheduleRecovery(entry, 'was not running when the daemon started', 0);
    }
  }

  /** A stopped or errored app asked to run by a person (resume, restart, reload): start it with a fresh backoff. */
  private async startAgain(entry: AppEntry, spec: AppSpec): Promise<void> {
    this.cancelRecovery(entry);
    entry.crashStreak = 0;
    entry.spec = spec;
    entry.desired = 'running';
    entry.failure = null;
    await this.launch(entry);
  }

  /** Spawns a primary for the entry and initialises it; on failure the primary is stopped and the error thrown. */
  private async launch(entry: AppEntry): Promise<PrimaryHandle> {
    const launch = this.spawnAndInit(entry);
    this.launching.add(launch);
    try {
      return await launch;
    } finally {
      this.launching.delete(launch);
    }
  }

  private async spawnAndInit(entry: AppEntry): Promise<PrimaryHandle> {
    const handle = await PrimaryHandle.spawn(this.deps.home, entry.spec);
    let status: PrimaryStatus;
    try {
      status = settled(await handle.init(entry.spec));
    } catch (err) {
      if (err instanceof ClusterctlError && err.code === 'E_START_FAILED') {
        // Reported by a live primary: it keeps the app under its restart policy.
        const now = await handle.status().catch(() => null);
        if (now) {
          this.attach(entry, handle, now);
          throw err;
        }
      }
      await handle.stop(entry.spec.killTimeout);
      if (err instanceof ClusterctlError && err.code !== 'E_PRIMARY_UNREACHABLE') throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new ClusterctlError('E_START_FAILED', `${entry.name} did not start: ${why}`);
    }
    this.attach(entry, handle, status);
    return handle;
  }

  private attach(entry: AppEntry, handle: PrimaryHandle, status: PrimaryStatus): void {
    entry.primary = handle;
    entry.status = status;
    entry.failure = null;
    entry.attachedAt = Date.now();
    handle.subscribe((s) => {
      if (entry.primary === handle) entry.status = s;
    });
    handle.onGone((info) => this.onPrimaryGone(entry, handle, info));
  }

  private async stopOne(entry: AppEntry): Promise<void> {
    this.cancelRecovery(entry);
    entry.desired = 'stopped';
    entry.failure = null;
    const handle = entry.primary;
    if (!handle) return;
    // The handle stays attached while it stops, so `ls` shows each worker stopping;
    // stop() marks the exit as expected, so it is not taken for a crash.
    const final = await handle.stop(entry.spec.killTimeout);
    foldRestarts(entry, final ?? entry.status, false);
    if (entry.primary === handle) entry.primary = null;
    entry.status = null;
    this.logger.info({ app: entry.name, primaryPid: handle.pid }, 'app stopped');
  }

  private onPrimaryGone(entry: AppEntry, handle: PrimaryHandle, info: GoneInfo): void {
    if (entry.primary !== handle || info.expected || this.shuttingDown) return;
    foldRestarts(entry, entry.status, true);
    entry.primary = null;
    entry.status = null;
    if (this.registry.get(entry.name) !== entry || entry.desired !== 'running') return;
    const upFor = Date.now() - entry.attachedAt;
    if (upFor >= BACKOFF_RESET_AFTER_MS) entry.crashStreak = 0;
    this.logger.warn({ app: entry.name, primaryPid: info.pid, upForMs: upFor }, 'app primary exited unexpectedly');
    this.registry.persist();
    this.scheduleRecovery(entry, `exited unexpectedly (pid ${info.pid})`, info.pid);
  }

  private scheduleRecovery(entry: AppEntry, why: string, deadPid: number): void {
    this.cancelRecovery(entry);
    if (entry.crashStreak >= MAX_PRIMARY_RESTARTS) {
      entry.failure = `app primary ${why}; gave up after ${entry.crashStreak} restarts in a row (\`clusterctl restart ${entry.name}\` tries again)`;
      this.logger.error({ app: entry.name }, entry.failure);
      return;
    }
    const delay = primaryBackoff(entry.crashStreak);
    entry.crashStreak += 1;
    const recovery = { timer: null as NodeJS.Timeout | null, reason: `app primary ${why}; restarting in ${delay} ms` };
    entry.recovery = recovery;
    recovery.timer = setTimeout(() => void this.recover(entry, recovery, deadPid), delay);
    this.logger.info({ app: entry.name, delayMs: delay, attempt: entry.crashStreak }, 'app primary restart scheduled');
  }

  private async recover(entry: AppEntry, recovery: NonNullable<AppEntry['recovery']>, deadPid: number): Promise<void> {
    if (entry.recovery !== recovery || this.shuttingDown) return;
    recovery.timer = null;
    if (this.registry.get(entry.name) !== entry || entry.desired !== 'running' || entry.primary) {
      entry.recovery = null;
      return;
    }
    if (entry.op !== null) {
      // Another operation holds the app; try again shortly rather than interleave with it.
      recovery.timer = setTimeout(() => void this.recover(entry, recovery, deadPid), 500);
      return;
    }
    // Workers of the dead primary that are still alive would hold the app's ports.
    if (deadPid > 0) killSession(deadPid);
    entry.op = 'start';
    try {
      const handle = await this.launch(entry);
      entry.recovery = null;
      this.logger.info({ app: entry.name, primaryPid: handle.pid }, 'app primary restarted');
    } catch (err) {
      entry.recovery = null;
      const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      entry.op = null;
      // launch() attaches a primary that is alive even when a worker failed (TS narrowed this field before the await).
      const attached = entry.primary as PrimaryHandle | null;
      if (attached) {
        // The new primary runs and its own restart policy has the workers that failed: nothing more to do here.
        this.logger.warn(
          { app: entry.name, err: why, primaryPid: attached.pid },
          'app primary restarted, but a worker did not come online',
        );
        return;
      }
      this.logger.warn({ app: entry.name, err: why }, 'app primary restart failed');
      this.scheduleRecovery(entry, `could not be started again (${why})`, 0);
    } finally {
      if (entry.op === 'start') entry.op = null;
    }
  }

  private cancelRecovery(entry: AppEntry): void {
    if (entry.recovery?.timer) clearTimeout(entry.recovery.timer);
    entry.recovery = null;
  }

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new ClusterctlError('E_BUSY', 'the daemon is shutting down');
  }
}

/** `all` leaves out the apps someone stopped on purpose; a name is taken as asked, stopped or not. */
function forTarget(entries: AppEntry[], target: string): AppEntry[] {
  return target === 'all' ? entries.filter((e) => e.desired === 'running') : entries;
}

/**
 * The status an operation replied with describes the app after it, but the
 * primary builds it before it clears its busy flag (and its "not busy" event
 * can reach us before the reply): the operation is over, so it is not busy.
 */
function settled(status: PrimaryStatus): PrimaryStatus {
  return status.busy === null ? status : { ...status, busy: null };
}

/** Adds the restarts a primary counted to the entry, so they survive it; a crash replaces every worker once more. */
function foldRestarts(entry: AppEntry, status: PrimaryStatus | null, crashed: boolean): void {
  if (!status) return;
  const seen = new Set<number>();
  for (const w of status.workers) {
    if (seen.has(w.instance)) continue;
    seen.add(w.instance);
    const key = String(w.instance);
    const extra = crashed && w.pid !== null ? 1 : 0;
    entry.restartOffsets[key] = (entry.restartOffsets[key] ?? 0) + w.restarts + extra;
  }
}

function withOverrides(spec: AppSpec, overrides: LifecycleOverrides, env?: Record<string, string>): AppSpec {
  const next: AppSpec = { ...spec };
  if (overrides.waitReady !== undefined) next.waitReady = overrides.waitReady;
  if (overrides.listenTimeout !== undefined) next.listenTimeout = overrides.listenTimeout;
  if (overrides.killTimeout !== undefined) next.killTimeout = overrides.killTimeout;
  if (overrides.stopSignal !== undefined) next.stopSignal = overrides.stopSignal;
  if (env !== undefined) next.env = { ...env };
  return next;
}

/** Runs `fn` on every entry, persists, then throws the first failure (the others still ran). */
async function settleAll(
  entries: AppEntry[],
  fn: (entry: AppEntry) => Promise<void>,
  persist: () => void,
): Promise<void> {
  const results = await Promise.allSettled(entries.map(fn));
  persist();
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function socketNames(runDir: string): string[] {
  try {
    return readdirSync(runDir)
      .filter((f) => f.endsWith('.sock'))
      .map((f) => f.slice(0, -'.sock'.length));
  } catch {
    return [];
  }
}
