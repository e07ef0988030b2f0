/**
 * One worker process as the app primary sees it: when it counts as online,
 * and how it is stopped (drain, stop signal, SIGKILL to what is left of its
 * tree, each step with a deadline).
 */
import type { Worker } from 'node:cluster';
import type { StopSignal } from '../protocol/types';
import { descendantsOf, identify, killIdentified, type ProcessIdentity } from '../os/process-tree';
import { describeExit } from '../supervision/restart-policy';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  at: number;
}

export type ProcessState = 'launching' | 'online' | 'stopping' | 'stopped';

export interface ReadinessRule {
  waitReady: boolean;
  listenTimeout: number;
  /** Count the worker online after this long alive even if it never listens (null: it must listen). */
  stableAfterMs: number | null;
}

export class ManagedWorker {
  readonly pid: number;
  readonly forkedAt = Date.now();
  state: ProcessState = 'launching';
  /** It has listened on at least one port. */
  listened = false;
  /** Why listen failed, as the worker reported it. */
  listenError: string | null = null;
  /** Set when we asked it to stop: its exit is then not a crash. */
  stopReason: string | null = null;
  exit: ExitInfo | null = null;
  /** Why it failed to come online, when it did. */
  failure: string | null = null;
  readonly exited: Promise<ExitInfo>;
  private drained = false;
  private readonly drainWaiters: Array<() => void> = [];
  private readonly stateListeners = new Set<() => void>();
  private stopping: Promise<ExitInfo> | null = null;
  /** Descendants seen while the worker lived, killed after it exits. */
  private knownDescendants: ProcessIdentity[] = [];

  constructor(
    readonly worker: Worker,
    readonly instance: number,
  ) {
    this.pid = worker.process.pid ?? -1;
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code: number | null, signal: string | null) => {
        this.exit = { code, signal, at: Date.now() };
        this.state = 'stopped';
        // Whatever it started goes with it: nothing a worker starts may outlive it.
        killIdentified(this.knownDescendants, 'SIGKILL');
        this.changed();
        resolve(this.exit);
      });
    });
    worker.on('listening', () => {
      this.listened = true;
      this.changed();
    });
    worker.process.on('internalMessage', (msg: unknown) => {
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as { cmd?: unknown; message?: unknown };
      if (m.cmd === 'NODE_CLUSTERCTL_DRAINED') {
        this.drained = true;
        for (const w of this.drainWaiters.splice(0)) w();
      } else if (m.cmd === 'NODE_CLUSTERCTL_LISTEN_ERROR') {
        this.listenError = typeof m.message === 'string' ? m.message : 'listen failed';
        this.changed();
      }
    });
  }

  /** Called on every state change (for status events); returns the way to stop listening. */
  onChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.stateListeners) l();
  }

  /** Refresh the list of descendants to kill when it exits (called on every metrics sample). */
  rememberDescendants(descendants: number[] = descendantsOf(this.pid)): void {
    if (this.exit) return;
    const now = identify(descendants);
    const seen = new Set(this.knownDescendants.map((d) => `${d.pid}:${d.startTime}`));
    for (const d of now) if (!seen.has(`${d.pid}:${d.startTime}`)) this.knownDescendants.push(d);
  }

  /**
   * Resolves when the worker is online by `rule`; rejects with a reason a
   * user can read when it exits, fails to listen, or runs out of time.
   */
  waitOnline(rule: ReadinessRule): Promise<void> {
    if (this.state === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const settle = (why: string | null): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        this.worker.off('message', onMessage);
        stopWatching();
        if (why === null && this.exit) why = describeExit(this.exit.code, this.exit.signal);
        if (why !== null) {
          reject(new Error(why));
          return;
        }
        this.state = 'online';
        this.changed();
        resolve();
      };
      // Listening (or a listen error, or an exit) shows up as a state change.
      const check = (): void => {
        if (this.exit) settle(`${describeExit(this.exit.code, this.exit.signal)} before coming online`);
        else if (this.listenError !== null) settle(`could not listen: ${this.listenError}`);
        else if (this.listened && !rule.waitReady) settle(null);
      };
      const onMessage = (msg: unknown): void => {
        if (
          rule.waitReady &&
          (msg === 'ready' || (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ready'))
        )
          settle(null);
      };
      const stopWatching = this.onChange(check);
      this.worker.on('message', onMessage);
      timers.push(
        setTimeout(() => {
          settle(
            rule.waitReady
              ? `did not send process.send('ready') within ${rule.listenTimeout} ms (--listen-timeout)`
              : `did not listen within ${rule.listenTimeout} ms (--listen-timeout)`,
          );
        }, rule.listenTimeout),
      );
      if (!rule.waitReady && rule.stableAfterMs !== null) {
        timers.push(setTimeout(() => settle(null), rule.stableAfterMs));
      }
      check();
    });
  }

  /**
   * Graceful stop: drain (no new connections, in-flight requests finish,
   * keep-alive clients told to close), then the stop signal, then SIGKILL to
   * the worker and its descendants if it is still there after `killTimeout`.
   * Each step has a deadline; the whole is at most 2 × killTimeout.
   */
  stop(reason: string, opts: { killTimeout: number; stopSignal: StopSignal }): Promise<ExitInfo> {
    if (this.stopping) return this.stopping;
    this.stopReason = reason;
    this.stopping = (async () => {
      if (this.exit) return this.exit;
      this.state = 'stopping';
      this.changed();
      this.rememberDescendants();
      await this.drain(opts.killTimeout);
      if (!this.exit) {
        this.rememberDescendants();
        try {
          process.kill(this.pid, opts.stopSignal);
        } catch {
          /* exited meanwhile */
        }
        const killer = setTimeout(() => {
          this.rememberDescendants();
          killIdentified([...this.knownDescendants, ...identify([this.pid])], 'SIGKILL');
        }, opts.killTimeout);
        await this.exited;
        clearTimeout(killer);
      }
      return this.exited;
    })();
    return this.stopping;
  }

  /** Kill at once (a worker that failed to come online, or the primary going down hard). */
  kill(reason: string): Promise<ExitInfo> {
    if (!this.stopReason) this.stopReason = reason;
    this.rememberDescendants();
    killIdentified([...identify([this.pid]), ...this.knownDescendants], 'SIGKILL');
    return this.exited;
  }

  private drain(deadlineMs: number): Promise<void> {
    if (this.drained || this.exit || !this.worker.isConnected()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, deadlineMs);
      this.drainWaiters.push(done);
      void this.exited.then(done);
      try {
        this.worker.process.send({ cmd: 'NODE_CLUSTERCTL_DRAIN' });
      } catch {
        done();
      }
    });
  }
}
