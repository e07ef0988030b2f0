/**
 * The app primary's model of its app: one slot per instance number, each
 * holding at most one serving worker (plus, during a replacement, the worker
 * that will take over). Every operation a person asks for (init, scale,
 * reload, restart, stop) runs one at a time; crash restarts and memory
 * replacements run on their own, per slot.
 */
import cluster from 'node:cluster';
import { join } from 'node:path';
import type { PrimaryStatus, ProgressEvent } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import type { AppSpec, ExitRecord, WorkerInfo, WorkerStatus } from '../protocol/types';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import { createLogCapture, type LogCapture } from './logs';
import { ManagedWorker, type ExitInfo, type ReadinessRule } from './managed-worker';
import { descendantsOf } from '../os/process-tree';
import { decideRestart, describeExit, freshHistory, type RestartHistory } from '../supervision/restart-policy';
import { TreeSampler, type Sample } from './sampler';
import { canTransition } from './worker-state';
import { workerEnv } from './worker-env';

const PRELOAD = join(__dirname, 'preload.js');
const SAMPLE_EVERY_MS = 1000;

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

interface Slot {
  instance: number;
  restarts: number;
  /** The worker serving this instance (or starting to). */
  current: ManagedWorker | null;
  /** A replacement coming online during a reload or memory replacement. */
  pending: ManagedWorker | null;
  /** Status when no worker runs: stopped, waiting-restart or errored. */
  idleStatus: WorkerStatus;
  reason: string | null;
  lastExit: ExitRecord | null;
  history: RestartHistory;
  restartTimer: NodeJS.Timeout | null;
  /** Being scaled away: its worker's exit is final. */
  removing: boolean;
}

export class AppController {
  private spec: AppSpec;
  private readonly slots = new Map<number, Slot>();
  private busy: string | null = null;
  /** Some worker of this app has listened: replacements must listen too before they count as online. */
  private listens = false;
  private samples = new Map<number, Sample>();
  private readonly sampler = new TreeSampler();
  private readonly listeners = new Set<(s: PrimaryStatus) => void>();
  private changeScheduled = false;
  private closing = false;
  /** Old workers still draining after a replacement; waited for before exit. */
  private readonly retiring = new Set<Promise<ExitInfo>>();
  /** Each worker's exit handler, done once its exit is recorded in its slot. */
  private readonly exitHandled = new WeakMap<ManagedWorker, Promise<void>>();
  private readonly sampleTimer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  readonly logs: LogCapture;

  constructor(
    spec: AppSpec,
    private readonly log: Logger,
  ) {
    this.spec = spec;
    if (spec.scheduling === 'none') cluster.schedulingPolicy = cluster.SCHED_NONE;
    else cluster.schedulingPolicy = cluster.SCHED_RR;
    this.logs = createLogCapture(spec.name, spec.logs, (err) =>
      this.log.error('log capture failed', { err: err.message }),
    );
    this.sampleTimer = setInterval(() => this.sampleTick(), SAMPLE_EVERY_MS);
    this.sampleTimer.unref();
  }

  // ---- status -------------------------------------------------------------

  status(): PrimaryStatus {
    const workers: WorkerInfo[] = [...this.slots.values()]
      .sort((a, b) => a.instance - b.instance)
      .map((s) => this.workerInfo(s));
    return {
      pid: process.pid,
      name: this.spec.name,
      initialised: true,
      spec: this.spec,
      workers,
      busy: this.busy,
      startedAt: this.startedAt,
      protocol: PROTOCOL_VERSION,
      version: packageVersion(),
    };
  }

  subscribe(listener: (s: PrimaryStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private workerInfo(s: Slot): WorkerInfo {
    const w = s.current;
    const sample = w ? this.samples.get(w.pid) : undefined;
    const status: WorkerStatus = w && !w.exit ? w.state : s.idleStatus;
    let reason = s.reason;
    if (w && w.listenError && w.state === 'launching') reason = `could not listen: ${w.listenError}`;
    return {
      instance: s.instance,
      pid: w && !w.exit ? w.pid : null,
      status,
      restarts: s.restarts,
      startedAt: w && !w.exit ? w.forkedAt : null,
      cpu: sample ? sample.cpu : null,
      memory: sample ? sample.memory : null,
      lastExit: s.lastExit,
      reason,
    };
  }

  private changed(): void {
    if (this.changeScheduled) return;
    this.changeScheduled = true;
    setImmediate(() => {
      this.changeScheduled = false;
      const st = this.status();
      for (const l of this.listeners) l(st);
    });
  }

  private setIdle(slot: Slot, to: WorkerStatus, reason: string | null): void {
    if (!canTransition(slot.idleStatus, to) && slot.current === null) {
      this.log.warn('unexpected worker transition', { instance: slot.instance, from: slot.idleStatus, to });
    }
    slot.idleStatus = to;
    slot.reason = reason;
    this.changed();
  }

  // ---- forking and readiness ---------------------------------------------

  private readiness(): ReadinessRule {
    return {
      waitReady: this.spec.waitReady,
      listenTimeout: this.spec.listenTimeout,
      // An app that has never listened (a queue consumer) is online once it has stayed up a while.
      stableAfterMs: this.listens ? null : this.spec.minUptime,
    };
  }

  private fork(slot: Slot): ManagedWorker {
    // A stop may arrive in the middle of a reload or scale: nothing new starts after it.
    if (this.closing) throw new ClusterctlError('E_BUSY', `app ${this.spec.name} is stopping`);
    const spec = this.spec;
    // Settings persist between setupPrimary calls; set all of them every time.
    cluster.setupPrimary({
      exec: spec.script,
      args: spec.args,
      execArgv: [...spec.nodeArgs, '--require', PRELOAD],
      cwd: spec.cwd,
      silent: true,
      serialization: 'json',
    });
    const worker = cluster.fork(workerEnv(spec, slot.instance));
    const mw = new ManagedWorker(worker, slot.instance);
    this.logs.attach(slot.instance, mw.pid, worker.process.stdout, worker.process.stderr);
    mw.onChange(() => {
      if (mw.listened) this.listens = true;
      this.changed();
    });
    this.exitHandled.set(
      mw,
      mw.exited.then((e) => this.onWorkerExit(slot, mw, e)),
    );
    this.log.info('forked worker', { instance: slot.instance, pid: mw.pid });
    return mw;
  }

  /** Why a worker did not come online, with the script's own last stderr lines. */
  private async failureText(mw: ManagedWorker, err: unknown): Promise<string> {
    const why = err instanceof Error ? err.message : String(err);
    if (mw.exit) await this.logs.settle(mw.pid, 1000);
    else await this.logs.flush();
    const tail = this.logs.recentStderr(mw.pid, 20).filter((l) => l.trim() !== '');
    const errorLine =
      [...tail].reverse().find((l) => /^\s*([A-Za-z]*Error|Uncaught|[A-Z]+:)/.test(l) && !/^\s*at /.test(l)) ??
      tail[tail.length - 1];
    const head = `instance ${mw.instance} (pid ${mw.pid}) ${why}`;
    return errorLine ? `${head}: ${errorLine.trim()}` : head;
  }

  private newSlot(instance: number): Slot {
    const slot: Slot = {
      instance,
      restarts: 0,
      current: null,
      pending: null,
      idleStatus: 'stopped',
      reason: null,
      lastExit: null,
      history: freshHistory(),
      restartTimer: null,
      removing: false,
    };
    this.slots.set(instance, slot);
    return slot;
  }

  /**
   * A start a person asked for (init, scale up, restart): resolves when the
   * worker is online; rejects with the reason when it is not. Either way the
   * worker is supervised from the start: one that fails is handed to the
   * restart policy (backoff, then errored), never retried in a tight loop and
   * never silently dropped, as PM2 and systemd users expect.
   */
  private async launch(slot: Slot): Promise<void> {
    this.cancelRestart(slot);
    slot.reason = null;
    const mw = this.startInSlot(slot);
    try {
      await mw.waitOnline(this.readiness());
    } catch (err) {
      const why = await this.failureText(mw, err);
      this.endIfNotOnline(mw, err);
      throw new Error(why);
    }
    this.changed();
  }

  /** Forks the worker that serves `slot` from now on. */
  private startInSlot(slot: Slot): ManagedWorker {
    const mw = this.fork(slot);
    slot.current = mw;
    this.changed();
    return mw;
  }

  /**
   * A worker that is alive but did not come online (listen failed, or too
   * slow) is ended here; its exit then goes through the restart policy as a
   * crash, with `why` as the reason.
   */
  private endIfNotOnline(mw: ManagedWorker, why: unknown): void {
    if (mw.exit) return; // it exited by itself: the exit handler applies the policy
    mw.failure = messageOf(why);
    void mw.kill('not-online');
  }

  // ---- exits and the restart policy --------------------------------------

  private async onWorkerExit(slot: Slot, mw: ManagedWorker, e: ExitInfo): Promise<void> {
    await this.logs.settle(mw.pid, 1000);
    if (slot.current !== mw) {
      this.changed();
      return;
    }
    const reason = mw.stopReason ?? 'crash';
    slot.lastExit = { code: e.code, signal: e.signal, at: e.at, reason };
    slot.current = null;
    this.log.info('worker exited', { instance: slot.instance, pid: mw.pid, code: e.code, signal: e.signal, reason });
    if (mw.stopReason !== null && mw.stopReason !== 'not-online') {
      this.setIdle(slot, 'stopped', null);
      return;
    }
    if (this.closing || slot.removing) {
      this.setIdle(slot, 'stopped', null);
      return;
    }
    if (slot.pending) {
      // A replacement is coming online and will take the slot.
      this.changed();
      return;
    }
    this.applyRestartPolicy(slot, mw, e);
  }

  private applyRestartPolicy(slot: Slot, mw: ManagedWorker, e: ExitInfo): void {
    const decision = decideRestart(
      this.spec,
      { code: e.code, signal: e.signal, uptimeMs: e.at - mw.forkedAt },
      slot.history,
    );
    const what = mw.failure ?? describeExit(e.code, e.signal);
    if (decision.action === 'stop') {
      this.setIdle(slot, 'stopped', decision.reason);
      return;
    }
    if (decision.action === 'errored') {
      slot.history = decision.history;
      this.log.warn('crash loop: giving up', { instance: slot.instance, reason: decision.reason });
      this.setIdle(slot, 'errored', decision.reason);
      return;
    }
    slot.history = decision.history;
    this.setIdle(slot, 'waiting-restart', `${what}; restarting in ${decision.delayMs} ms`);
    slot.restartTimer = setTimeout(() => this.crashRestart(slot), decision.delayMs);
  }

  private crashRestart(slot: Slot): void {
    slot.restartTimer = null;
    if (this.closing || slot.removing || slot.current) return;
    slot.restarts++;
    // The wait is over: say what is happening now, not the delay that was.
    if (slot.reason) slot.reason = slot.reason.replace(/; restarting in \d+ ms$/, '; restarting now');
    const mw = this.startInSlot(slot);
    mw.waitOnline(this.readiness()).then(
      () => {
        slot.reason = null;
        this.changed();
      },
      (err: unknown) => this.endIfNotOnline(mw, err),
    );
  }

  private cancelRestart(slot: Slot): void {
    if (slot.restartTimer) {
      clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
    }
  }

  // ---- replacement (reload, memory limit) ----------------------------------

  /** Start a replacement, wait until it is online, only then retire the old worker. */
  private async replaceSlot(slot: Slot, reason: string): Promise<void> {
    this.cancelRestart(slot);
    const old = slot.current && !slot.current.exit ? slot.current : null;
    const mw = this.fork(slot);
    slot.pending = mw;
    this.changed();
    try {
      await mw.waitOnline(this.readiness());
    } catch (err) {
      const why = await this.failureText(mw, err);
      await mw.kill('start-failed');
      slot.pending = null;
      if (!slot.current && !this.closing && old?.exit) {
        // The old worker crashed while its replacement was starting (its exit
        // handler left the slot to the replacement): the restart policy takes over.
        this.applyRestartPolicy(slot, old, old.exit);
        this.changed();
        throw new ClusterctlError(
          'E_RELOAD_FAILED',
          `${why}; and the old worker of instance ${slot.instance} had exited`,
        );
      }
      this.changed();
      throw new ClusterctlError('E_RELOAD_FAILED', `${why}; the old worker of instance ${slot.instance} keeps serving`);
    }
    slot.pending = null;
    slot.current = mw;
    slot.restarts++;
    slot.history = freshHistory();
    slot.reason = null;
    this.changed();
    if (old) {
      const stopped = old.stop(reason, this.stopOptions()).then((e) => {
        slot.lastExit = { code: e.code, signal: e.signal, at: e.at, reason };
        this.changed();
        return e;
      });
      this.retiring.add(stopped);
      void stopped.finally(() => this.retiring.delete(stopped));
    }
  }

  private stopOptions(): { killTimeout: number; stopSignal: AppSpec['stopSignal'] } {
    return { killTimeout: this.spec.killTimeout, stopSignal: this.spec.stopSignal };
  }

  // ---- operations a person asks for --------------------------------------

  /** Runs one operation a person asked for; resolves with the status after it, freshly sampled. */
  private async exclusive(what: string, fn: () => Promise<void>): Promise<PrimaryStatus> {
    if (this.closing) throw new ClusterctlError('E_BUSY', `app ${this.spec.name} is stopping`);
    if (this.busy)
      throw new ClusterctlError('E_BUSY', `app ${this.spec.name} is busy with ${this.busy}; try again when it is done`);
    this.busy = what;
    this.changed();
    try {
      await fn();
    } finally {
      this.busy = null;
      this.changed();
    }
    // Fresh CPU and memory for the rows the command prints, and no longer busy.
    this.sampleTick();
    return this.status();
  }

  /**
   * Start every instance and wait until each is online. When one cannot come
   * online the first reason is reported (E_START_FAILED) but the app keeps
   * running: the failed instance is already under the restart policy.
   */
  init(): Promise<PrimaryStatus> {
    return this.exclusive('start', async () => {
      if (this.slots.size > 0) return;
      const slots = Array.from({ length: this.spec.instances }, (_, i) => this.newSlot(i));
      await this.launchAll(slots);
    });
  }

  scale(instances: number): Promise<PrimaryStatus> {
    return this.exclusive('scale', () => this.resize(instances));
  }

  /** New instances take the lowest free numbers; the highest go first (instance 0, often the one running scheduled jobs, stays). */
  private async resize(instances: number): Promise<void> {
    const current = [...this.slots.keys()].sort((a, b) => a - b);
    try {
      if (instances > current.length) {
        const added: Slot[] = [];
        for (let i = 0; added.length < instances - current.length; i++) {
          if (!this.slots.has(i)) added.push(this.newSlot(i));
        }
        await this.launchAll(added);
      } else if (instances < current.length) {
        await this.removeSlots(current.slice(instances).map((i) => this.slots.get(i) as Slot));
      }
    } finally {
      this.spec = { ...this.spec, instances: this.slots.size };
    }
  }

  /** Starts every slot; the first that cannot come online is reported (the others, and it, stay supervised). */
  private async launchAll(slots: Slot[], before?: (slot: Slot) => void): Promise<void> {
    const results = await Promise.allSettled(
      slots.map((s) => {
        before?.(s);
        return this.launch(s);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new ClusterctlError('E_START_FAILED', messageOf(failed.reason));
  }

  private async removeSlots(slots: Slot[]): Promise<void> {
    for (const s of slots) s.removing = true;
    await this.stopWorkers(slots, 'scale');
    for (const s of slots) this.slots.delete(s.instance);
    this.changed();
  }

  /** Rolling replacement, `parallel` instances at a time; aborts at the first replacement that fails. */
  reload(spec: AppSpec, parallel: number, onProgress: (e: ProgressEvent) => void): Promise<PrimaryStatus> {
    return this.exclusive('reload', async () => {
      this.spec = { ...spec, instances: this.slots.size };
      await this.logs.update(spec.logs);
      const instances = [...this.slots.keys()].sort((a, b) => a - b);
      const total = instances.length;
      let done = 0;
      for (let i = 0; i < instances.length; i += parallel) {
        const batch = instances.slice(i, i + parallel);
        const results = await Promise.allSettled(
          batch.map(async (instance) => {
            const slot = this.slots.get(instance) as Slot;
            onProgress({ app: this.spec.name, done, total, instance, step: 'replacing' });
            if (slot.current && !slot.current.exit) await this.replaceSlot(slot, 'reload');
            else {
              // Nothing serves this instance (errored, stopped, waiting): a reload gives it a fresh start.
              slot.history = freshHistory();
              slot.restarts++;
              await this.launch(slot).catch((err: unknown) => {
                throw new ClusterctlError('E_RELOAD_FAILED', messageOf(err));
              });
            }
            done++;
            onProgress({ app: this.spec.name, done, total, instance, step: 'replaced' });
          }),
        );
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed)
          throw failed.reason instanceof ClusterctlError
            ? failed.reason
            : new ClusterctlError('E_RELOAD_FAILED', messageOf(failed.reason));
      }
      await Promise.allSettled([...this.retiring]);
      if (spec.instances !== this.slots.size) await this.resize(spec.instances);
    });
  }

  /** Stop every worker, then start them all from `spec` (a fresh start for errored instances). */
  restart(spec: AppSpec): Promise<PrimaryStatus> {
    return this.exclusive('restart', async () => {
      const all = [...this.slots.values()];
      await this.stopWorkers(all, 'restart');
      for (const s of all) if (s.instance >= spec.instances) this.slots.delete(s.instance);
      this.spec = spec;
      await this.logs.update(spec.logs);
      for (let i = 0; i < spec.instances; i++) if (!this.slots.has(i)) this.newSlot(i);
      await this.launchAll([...this.slots.values()], (s) => {
        // A person asked: errored instances and their backoff start over.
        s.history = freshHistory();
        s.restarts++;
      });
    });
  }

  /** Stop every worker gracefully; the primary exits after this. */
  async stopAll(): Promise<PrimaryStatus> {
    this.closing = true;
    await this.stopWorkers([...this.slots.values()], 'stopped');
    await Promise.allSettled([...this.retiring]);
    clearInterval(this.sampleTimer);
    await this.logs.flush();
    return this.status();
  }

  private async stopWorkers(slots: Slot[], reason: string): Promise<void> {
    const waits: Array<Promise<unknown>> = [];
    for (const s of slots) {
      this.cancelRestart(s);
      for (const w of [s.current, s.pending]) {
        if (!w) continue;
        if (!w.exit) waits.push(w.stop(reason, this.stopOptions()));
        // The exit handler waits for the worker's last log lines (up to 1 s)
        // before it records the exit: wait for it, or a start that follows
        // takes the slot first and the exit goes unrecorded.
        waits.push(this.exitHandled.get(w) ?? Promise.resolve());
      }
      if (!s.current) this.setIdle(s, 'stopped', null);
    }
    await Promise.all(waits);
  }

  /** Every worker process of the app alive now: the serving ones and replacements coming online. */
  private liveWorkers(): ManagedWorker[] {
    const out: ManagedWorker[] = [];
    for (const s of this.slots.values()) {
      for (const w of [s.current, s.pending]) if (w && !w.exit) out.push(w);
    }
    return out;
  }

  // ---- sampling and the memory limit -------------------------------------

  private sampleTick(): void {
    const workers = this.liveWorkers();
    // One walk of each worker's tree per tick serves both the metrics and the kill list.
    const trees = new Map(workers.map((w) => [w.pid, descendantsOf(w.pid)] as [number, number[]]));
    this.samples = this.sampler.sample(trees);
    for (const w of workers) w.rememberDescendants(trees.get(w.pid));
    const limit = this.spec.maxMemoryRestart;
    if (limit > 0 && !this.busy && !this.closing) {
      for (const s of this.slots.values()) {
        const w = s.current;
        if (!w || w.exit || w.state !== 'online' || s.pending) continue;
        const mem = this.samples.get(w.pid)?.memory ?? 0;
        if (mem > limit) {
          const reason = `memory (${mb(mem)} over the ${mb(limit)} limit)`;
          this.log.warn('memory limit exceeded: replacing worker', {
            instance: s.instance,
            pid: w.pid,
            memory: mem,
            limit,
          });
          this.replaceSlot(s, reason).catch((err: unknown) => {
            this.log.error('memory replacement failed', { instance: s.instance, err: messageOf(err) });
          });
        }
      }
    }
    if (this.listeners.size > 0) this.changed();
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
