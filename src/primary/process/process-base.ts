/**
 * What the two kinds of managed process share (a node:cluster worker and a
 * fork-mode child): the script-started and drained reports from the preload,
 * the exit bookkeeping, and the stop sequence, each step with a deadline:
 * drain for at most drainGrace(killTimeout), then the stop signal (or the
 * 'shutdown' message), then SIGKILL to it and what it started after the
 * kill timeout. A kind adds only how it is reached: how it reports
 * listening and `ready`, how the drain request and the stop signal get to
 * it, and what else a kill must reach (a fork-mode child's process group).
 */
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import {
  descendantsOf,
  identify,
  killIdentified,
  rememberIdentified,
  type ProcessIdentity,
} from '../../os/process-tree';
import type { ExitInfo, ManagedProcess, StopOptions } from './managed-process';

/**
 * How long the drain may hold the stop signal back for ordinary requests in
 * flight: min(5 s, killTimeout / 2). Long-lived connections (WebSockets,
 * event streams) do not count; they are the app's to close once signalled.
 */
export function drainGrace(killTimeout: number): number {
  return Math.min(5000, Math.floor(killTimeout / 2));
}

function isReadyMessage(msg: unknown): boolean {
  return msg === 'ready' || (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ready');
}

/** The `cmd` of a NODE_-prefixed internal message from the preload, or null. */
export function internalCmd(msg: unknown): string | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const cmd = (msg as { cmd?: unknown }).cmd;
  return typeof cmd === 'string' ? cmd : null;
}

/** The listen error a preload (or a group host's port guard) reported in `msg`, or null for any other message. */
function listenErrorOf(msg: unknown): { message: string; code: string | null } | null {
  if (internalCmd(msg) !== 'NODE_CLUSTERCTL_LISTEN_ERROR') return null;
  const { message, code } = msg as { message?: unknown; code?: unknown };
  return {
    message: typeof message === 'string' ? message : 'listen failed',
    code: typeof code === 'string' ? code : null,
  };
}

/** `listener` on `event` of `emitter`; returns the way to remove it. */
export function listen(emitter: EventEmitter, event: string, listener: (arg: unknown) => void): () => void {
  emitter.on(event, listener);
  return () => emitter.off(event, listener);
}

/** Resolves once when `fire` is called; the waiters of a one-time report. */
class Latch {
  done = false;
  private readonly waiters: Array<() => void> = [];

  fire(): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiters.splice(0)) w();
  }

  /** `listener` now if fired already, else once it fires; returns the way to stop waiting. */
  on(listener: () => void): () => void {
    if (this.done) {
      listener();
      return () => undefined;
    }
    this.waiters.push(listener);
    return () => {
      const i = this.waiters.indexOf(listener);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }
}

export abstract class ProcessBase implements ManagedProcess {
  readonly startedAt = Date.now();
  exit: ExitInfo | null = null;
  readonly exited: Promise<ExitInfo>;
  private resolveExit: (e: ExitInfo) => void = () => undefined;
  private readonly started = new Latch();
  private readonly drained = new Latch();
  private stopping: Promise<ExitInfo> | null = null;
  /** Descendants seen while it lived, killed after it exits: nothing it starts may outlive it. */
  private readonly knownDescendants: ProcessIdentity[] = [];

  abstract readonly stdout: Readable | null;
  abstract readonly stderr: Readable | null;
  abstract onListening(listener: () => void): () => void;
  /** Where the preload's NODE_ messages arrive ('internalMessage'). */
  protected abstract readonly internalEvents: EventEmitter;
  /** Where the app's own `process.send()` messages arrive ('message'). */
  protected abstract readonly appMessages: EventEmitter;
  /** Whether a drain can be asked for: a live IPC channel to our preload. */
  protected abstract canDrain(): boolean;
  /** Sends the drain request; `stopSignal` lets the preload hold an app without a handler while long-lived connections last. */
  protected abstract sendDrain(stopSignal: string | null): void;
  /** The stop signal, or the 'shutdown' message (PM2's shutdown_with_message). */
  protected abstract askToStop(opts: StopOptions): void;

  /** `scriptStartsAtSpawn`: nothing will report the script running (no preload), so its clock starts now. */
  constructor(
    readonly pid: number,
    readonly instance: number,
    scriptStartsAtSpawn: boolean,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    if (scriptStartsAtSpawn) this.started.fire();
  }

  /** Called by the kind once it has exited (or could not be executed); what it started goes with it. */
  protected recordExit(code: number | null, signal: string | null, failure?: string): void {
    if (this.exit) return;
    this.exit = { code, signal, at: Date.now(), ...(failure === undefined ? {} : { failure }) };
    this.killTree(false);
    this.resolveExit(this.exit);
  }

  /** The preload's reports, as the kind receives them over its internal IPC. */
  protected onInternalMessage(msg: unknown): void {
    const cmd = internalCmd(msg);
    if (cmd === 'NODE_CLUSTERCTL_STARTED') this.started.fire();
    else if (cmd === 'NODE_CLUSTERCTL_DRAINED') this.drained.fire();
  }

  /** SIGKILL to what it started, and to itself with `self`. A kind with more to reach adds it. */
  protected killTree(self: boolean): void {
    killIdentified(self ? [...identify([this.pid]), ...this.knownDescendants] : this.knownDescendants, 'SIGKILL');
  }

  /** Called as a drain begins, whether or not one can be sent (sticky mode stops routing to it). */
  protected beforeDrain(): void {
    /* nothing by default */
  }

  onScriptStarted(listener: () => void): () => void {
    return this.started.on(listener);
  }

  onListenError(listener: (message: string, code: string | null) => void): () => void {
    return listen(this.internalEvents, 'internalMessage', (msg: unknown) => {
      const error = listenErrorOf(msg);
      if (error !== null) listener(error.message, error.code);
    });
  }

  onReady(listener: () => void): () => void {
    return listen(this.appMessages, 'message', (msg: unknown) => {
      if (isReadyMessage(msg)) listener();
    });
  }

  rememberDescendants(descendants?: number[]): void {
    if (this.exit || this.pid < 0) return;
    rememberIdentified(this.knownDescendants, descendants ?? descendantsOf(this.pid));
  }

  /**
   * Drain (up to the grace), then the stop signal (or the 'shutdown'
   * message), then SIGKILL after the kill timeout: at most
   * drainGrace(killTimeout) + killTimeout in all. Idempotent.
   */
  stop(opts: StopOptions): Promise<ExitInfo> {
    this.stopping ??= (async () => {
      if (this.exit) return this.exit;
      this.rememberDescendants();
      await this.drain(drainGrace(opts.killTimeout), opts.shutdownWithMessage ? null : opts.stopSignal);
      if (!this.hasExited()) {
        this.rememberDescendants();
        this.askToStop(opts);
        const killer = setTimeout(() => {
          this.rememberDescendants();
          this.killTree(true);
        }, opts.killTimeout);
        await this.exited;
        clearTimeout(killer);
      }
      return this.exited;
    })();
    return this.stopping;
  }

  kill(): Promise<ExitInfo> {
    this.rememberDescendants();
    this.killTree(true);
    return this.exited;
  }

  /** Read through a method: TypeScript keeps `exit` narrowed to null across an await. */
  private hasExited(): boolean {
    return this.exit !== null;
  }

  /**
   * Not `worker.disconnect()`: on Node 20 it calls http `server.close()`,
   * which closes idle keep-alive sockets at once and races clients reusing
   * them. The preload drains instead and says so over internal IPC.
   */
  private drain(deadlineMs: number, stopSignal: string | null): Promise<void> {
    this.beforeDrain();
    if (this.drained.done || this.exit || !this.canDrain()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, deadlineMs);
      this.drained.on(done);
      void this.exited.then(done);
      try {
        this.sendDrain(stopSignal);
      } catch {
        done();
      }
    });
  }
}
