/**
 * The app primary's context: the spec, the slot table, log capture, the
 * sampler and the one-operation-at-a-time guard. It decides nothing about
 * workers itself: the verbs live in ops/, the reactions to events (exits,
 * the memory limit) in mechanisms/, and every status change goes through the
 * slot table's one transition function.
 */
import cluster, { type Worker } from 'node:cluster';
import type { PrimaryMetrics, PrimaryStatus } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import type { AppSpec, CronStatus, WatchStatus } from '../protocol/types';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import { TreeWalker } from '../os/process-tree';
import { slotRows } from './lifecycle/render';
import { SlotTable, strictTransitions, type Slot } from './lifecycle/slot-table';
import { createLogCapture, type LogCapture } from './logs';
import { onProcessExit } from './mechanisms/crash-restart';
import { enforceMemoryLimit } from './mechanisms/memory-limit';
import type { ReadinessRule } from './mechanisms/readiness';
import { probeOf } from './mechanisms/probe';
import { forkClusterWorker, type WorkerCompany } from './process/cluster-worker';
import type { GroupContext } from './group-context';
import { spawnForked } from './process/fork-process';
import { installAdapterRelay } from './sticky/adapter-relay';
import { StickyRouter } from './sticky/router';
import type { ExitInfo, ManagedProcess, StopOptions } from './process/managed-process';
import { SAMPLE_FAST_MS, metricsMoved, metricsOf, nextSampleDelay } from './metrics-feed';
import { TreeSampler, type Sample } from './sampler';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type AppSlot = Slot<ManagedProcess>;

export class App {
  spec: AppSpec;
  readonly table: SlotTable<ManagedProcess>;
  readonly logs: LogCapture;
  /** The operation a person asked for that is running now, or null. */
  busy: string | null = null;
  /** Stopping for good: nothing new starts. */
  closing = false;
  /** Pending crash restarts, by instance. */
  readonly restartTimers = new Map<number, NodeJS.Timeout>();
  /** Old workers still draining after a replacement; waited for before exit. */
  readonly retiring = new Set<Promise<ExitInfo>>();
  /** Set by mechanisms/triggers.ts: the watcher's and the schedule's state, for status(). */
  triggerStatus: { watch: (() => WatchStatus) | null; cron: (() => CronStatus) | null } = { watch: null, cron: null };
  /** Some worker of this app has listened: replacements must listen too before they count as online. */
  private listens = false;
  private samples = new Map<number, Sample>();
  private readonly sampler = new TreeSampler();
  private readonly walker = new TreeWalker();
  private readonly listeners = new Set<(s: PrimaryStatus) => void>();
  private readonly metricsListeners = new Set<(m: PrimaryMetrics) => void>();
  /** The figures subscribers last got (in a status or a metrics event). */
  private pushedMetrics: PrimaryMetrics = {};
  private changeScheduled = false;
  /** Each process's exit handler, done once its exit is recorded in its slot. */
  private readonly exitHandled = new WeakMap<ManagedProcess, Promise<void>>();
  private sampleTimer: NodeJS.Timeout | null = null;
  private sampleDelay = SAMPLE_FAST_MS;
  private readonly startedAt = Date.now();
  /** `--sticky`: the router that owns the app's ports (null: node:cluster's own balancing). */
  readonly sticky: StickyRouter | null;
  /** What this app's cluster workers share: its sticky router, its live workers, the group's port owners. */
  private readonly company: WorkerCompany;

  /** `group`: the primary group host this app runs in, or null for a primary of its own. */
  constructor(
    spec: AppSpec,
    readonly log: Logger,
    strict = strictTransitions(),
    readonly group: GroupContext | null = null,
  ) {
    this.spec = spec;
    // In a group host the group sets the policy (group-context.ts): it is one per process.
    if (group) group.adopt(spec);
    else if (spec.scheduling === 'none') cluster.schedulingPolicy = cluster.SCHED_NONE;
    else cluster.schedulingPolicy = cluster.SCHED_RR;
    this.table = new SlotTable<ManagedProcess>(
      (msg, fields) => this.log.error(msg, fields),
      () => this.changed(),
      strict,
    );
    this.logs = createLogCapture(spec.name, spec.logs, (err) =>
      this.log.error('log capture failed', { err: err.message }),
    );
    this.sticky = spec.sticky ? new StickyRouter() : null;
    this.company = { sticky: this.sticky, peers: new Set(), ports: group?.ports ?? null };
    installAdapterRelay();
    this.scheduleSample();
  }

  private scheduleSample(): void {
    this.sampleTimer = setTimeout(() => {
      const moved = this.sampleTick();
      this.sampleDelay = nextSampleDelay(this.sampleDelay, moved);
      this.scheduleSample();
    }, this.sampleDelay);
    this.sampleTimer.unref();
  }

  status(): PrimaryStatus {
    return {
      pid: process.pid,
      name: this.spec.name,
      initialised: true,
      spec: this.spec,
      workers: this.table.all().flatMap((s) => slotRows(s, (pid) => this.samples.get(pid))),
      busy: this.busy,
      startedAt: this.startedAt,
      protocol: PROTOCOL_VERSION,
      version: packageVersion(),
      watch: this.triggerStatus.watch?.() ?? null,
      cron: this.triggerStatus.cron?.() ?? null,
      group: this.group?.name ?? null,
    };
  }

  /** The app's live node:cluster workers (never another app's, in a group host). */
  clusterWorkers(): Iterable<Worker> {
    return this.company.peers;
  }

  subscribe(listener: (s: PrimaryStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeMetrics(listener: (m: PrimaryMetrics) => void): () => void {
    this.metricsListeners.add(listener);
    return () => this.metricsListeners.delete(listener);
  }

  /** Something a subscriber sees changed: one status event per turn of the event loop. */
  changed(): void {
    if (this.changeScheduled) return;
    this.changeScheduled = true;
    setImmediate(() => {
      this.changeScheduled = false;
      const st = this.status();
      this.pushedMetrics = this.currentMetrics();
      for (const l of this.listeners) l(st);
    });
  }

  readiness(): ReadinessRule {
    return {
      waitReady: this.spec.waitReady,
      listenTimeout: this.spec.listenTimeout,
      // An app that has never listened (a queue consumer) is online once it has stayed up a while.
      stableAfterMs: this.listens ? null : this.spec.minUptime,
      probe: probeOf(this.spec),
    };
  }

  stopOptions(): StopOptions {
    return {
      killTimeout: this.spec.killTimeout,
      stopSignal: this.spec.stopSignal,
      shutdownWithMessage: this.spec.shutdownWithMessage,
    };
  }

  /**
   * Starts a process for `slot` (not yet serving it: the caller says whether
   * it is the slot's process or a replacement) and supervises its exit.
   */
  spawn(slot: AppSlot): ManagedProcess {
    // A stop may arrive in the middle of a reload or scale: nothing new starts after it.
    if (this.closing) throw new ClusterctlError('E_BUSY', `app ${this.spec.name} is stopping`);
    const proc =
      this.spec.execMode === 'fork'
        ? spawnForked(this.spec, slot.instance)
        : forkClusterWorker(this.spec, slot.instance, this.company);
    this.logs.attach(slot.instance, proc.pid, proc.stdout, proc.stderr);
    proc.onListening(() => {
      this.listens = true;
      this.changed();
    });
    proc.onListenError((error) => {
      if (slot.current === proc && slot.state.status.kind === 'launching') {
        this.table.apply(slot, { type: 'listenFailed', error });
      }
    });
    this.exitHandled.set(
      proc,
      proc.exited.then((e) => onProcessExit(this, slot, proc, e)),
    );
    this.log.info('forked worker', { instance: slot.instance, pid: proc.pid, mode: this.spec.execMode });
    return proc;
  }

  /** A person's start or stop supersedes a pending crash restart. */
  cancelRestart(slot: AppSlot): void {
    const timer = this.restartTimers.get(slot.instance);
    if (timer) {
      clearTimeout(timer);
      this.restartTimers.delete(slot.instance);
    }
  }

  /** Resolves once `proc`'s exit is recorded in its slot (its last log lines first, up to 1 s). */
  exitRecorded(proc: ManagedProcess): Promise<void> {
    return this.exitHandled.get(proc) ?? proc.exited.then(() => undefined);
  }

  /** Runs one operation a person asked for; resolves with the status after it, freshly sampled. */
  async exclusive(what: string, fn: () => Promise<void>): Promise<PrimaryStatus> {
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

  /** Every process of the app alive now: the serving ones, replacements coming online, replaced ones draining. */
  liveProcesses(): ManagedProcess[] {
    const out: ManagedProcess[] = [];
    for (const s of this.table.all()) {
      for (const p of [s.current, s.pending, ...s.retiring]) if (p && !p.exit) out.push(p);
    }
    return out;
  }

  memoryOf(pid: number): number {
    return this.samples.get(pid)?.memory ?? 0;
  }

  /** Sampling stops; the primary is about to exit. */
  stopSampling(): void {
    if (this.sampleTimer) clearTimeout(this.sampleTimer);
    this.sampleTimer = null;
  }

  /**
   * Samples every live process tree, checks the memory limit, and pushes a
   * 'metrics' event when the figures moved (metrics-feed.ts). Returns whether
   * they moved, which sets how soon the next sample comes.
   */
  sampleTick(): boolean {
    const procs = this.liveProcesses();
    const now = Date.now();
    // One walk of each process tree per tick serves both the metrics and the kill list.
    const trees = new Map(procs.map((p) => [p.pid, this.walker.walk(p.pid, now)] as [number, number[]]));
    this.walker.keepOnly(trees.keys());
    this.samples = this.sampler.sample(trees);
    for (const p of procs) p.rememberDescendants(trees.get(p.pid));
    enforceMemoryLimit(this);
    const next = this.currentMetrics();
    if (!metricsMoved(this.pushedMetrics, next)) return false;
    this.pushedMetrics = next;
    for (const l of this.metricsListeners) l(next);
    return true;
  }

  private currentMetrics(): PrimaryMetrics {
    return metricsOf(
      this.liveProcesses().map((p) => p.pid),
      this.samples,
    );
  }
}
