/**
 * A node:cluster worker behind the ManagedProcess interface: how it is
 * forked (the app's script as its main module, with our drain preload), how
 * it reports listening, listen errors and `ready`, and how it is stopped
 * (drain, stop signal, SIGKILL to what is left of its tree, each step with a
 * deadline).
 */
import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AppSpec } from '../../protocol/types';
import {
  descendantsOf,
  identify,
  rememberIdentified,
  killIdentified,
  type ProcessIdentity,
} from '../../os/process-tree';
import type { StickyRouter } from '../sticky/router';
import { workerEnv } from '../worker-env';
import type { ExitInfo, ManagedProcess, StopOptions } from './managed-process';

const PRELOAD = join(__dirname, '..', 'preload.js');

/** Forks one worker of `spec` for `instance`; in sticky mode `sticky` owns its ports. */
export function forkClusterWorker(spec: AppSpec, instance: number, sticky: StickyRouter | null = null): ClusterWorker {
  // Settings persist between setupPrimary calls; set all of them every time.
  cluster.setupPrimary({
    exec: spec.script,
    args: spec.args,
    execArgv: [...spec.nodeArgs, '--require', PRELOAD],
    cwd: spec.cwd,
    silent: true,
    serialization: 'json',
  });
  return new ClusterWorker(cluster.fork(workerEnv(spec, instance)), instance, sticky);
}

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

export class ClusterWorker implements ManagedProcess {
  readonly pid: number;
  readonly startedAt = Date.now();
  exit: ExitInfo | null = null;
  readonly exited: Promise<ExitInfo>;
  private drained = false;
  private readonly drainWaiters: Array<() => void> = [];
  private stopping: Promise<ExitInfo> | null = null;
  private scriptStarted = false;
  private readonly startWaiters: Array<() => void> = [];
  /** Descendants seen while the worker lived, killed after it exits. */
  private knownDescendants: ProcessIdentity[] = [];

  constructor(
    private readonly worker: Worker,
    readonly instance: number,
    private readonly sticky: StickyRouter | null = null,
  ) {
    this.pid = worker.process.pid ?? -1;
    sticky?.attach(worker, instance);
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code: number | null, signal: string | null) => {
        this.exit = { code, signal, at: Date.now() };
        // Whatever it started goes with it: nothing a worker starts may outlive it.
        killIdentified(this.knownDescendants, 'SIGKILL');
        resolve(this.exit);
      });
    });
    worker.process.on('internalMessage', (msg: unknown) => {
      if (typeof msg !== 'object' || msg === null) return;
      const cmd = (msg as { cmd?: unknown }).cmd;
      if (cmd === 'NODE_CLUSTERCTL_STARTED') {
        this.scriptStarted = true;
        for (const w of this.startWaiters.splice(0)) w();
      }
      if (cmd !== 'NODE_CLUSTERCTL_DRAINED') return;
      this.drained = true;
      for (const w of this.drainWaiters.splice(0)) w();
    });
  }

  get stdout(): Readable | null {
    return this.worker.process.stdout;
  }

  get stderr(): Readable | null {
    return this.worker.process.stderr;
  }

  onScriptStarted(listener: () => void): () => void {
    if (this.scriptStarted) {
      listener();
      return () => undefined;
    }
    this.startWaiters.push(listener);
    return () => {
      const i = this.startWaiters.indexOf(listener);
      if (i >= 0) this.startWaiters.splice(i, 1);
    };
  }

  onListening(listener: () => void): () => void {
    this.worker.on('listening', listener);
    return () => this.worker.off('listening', listener);
  }

  onListenError(listener: (message: string) => void): () => void {
    const onInternal = (msg: unknown): void => {
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as { cmd?: unknown; message?: unknown };
      if (m.cmd === 'NODE_CLUSTERCTL_LISTEN_ERROR')
        listener(typeof m.message === 'string' ? m.message : 'listen failed');
    };
    this.worker.process.on('internalMessage', onInternal);
    return () => this.worker.process.off('internalMessage', onInternal);
  }

  onReady(listener: () => void): () => void {
    const onMessage = (msg: unknown): void => {
      if (isReadyMessage(msg)) listener();
    };
    this.worker.on('message', onMessage);
    return () => this.worker.off('message', onMessage);
  }

  rememberDescendants(descendants: number[] = descendantsOf(this.pid)): void {
    if (this.exit) return;
    rememberIdentified(this.knownDescendants, descendants);
  }

  /**
   * Drain (up to the grace), then the stop signal (or the 'shutdown'
   * message), then SIGKILL after the kill timeout: at most
   * drainGrace(killTimeout) + killTimeout in all.
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
          killIdentified([...this.knownDescendants, ...identify([this.pid])], 'SIGKILL');
        }, opts.killTimeout);
        await this.exited;
        clearTimeout(killer);
      }
      return this.exited;
    })();
    return this.stopping;
  }

  /** PM2's shutdown_with_message: the app's process.on('message') gets 'shutdown' and no signal is sent. */
  private askToStop(opts: StopOptions): void {
    try {
      if (opts.shutdownWithMessage) this.worker.send('shutdown');
      else process.kill(this.pid, opts.stopSignal);
    } catch {
      /* exited meanwhile */
    }
  }

  /** Read through a method: TypeScript keeps `exit` narrowed to null across an await. */
  private hasExited(): boolean {
    return this.exit !== null;
  }

  kill(): Promise<ExitInfo> {
    this.rememberDescendants();
    killIdentified([...identify([this.pid]), ...this.knownDescendants], 'SIGKILL');
    return this.exited;
  }

  /**
   * Not `worker.disconnect()`: on Node 20 it calls http `server.close()`,
   * which closes idle keep-alive sockets at once and races clients reusing
   * them. The preload drains instead and says so over internal IPC.
   */
  private drain(deadlineMs: number, stopSignal: string | null): Promise<void> {
    // Before the drain message: a connection already sent arrives first (IPC keeps order), none after.
    this.sticky?.retire(this.worker);
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
        // The signal lets the preload keep an app without a handler alive while long-lived connections last.
        this.worker.process.send({ cmd: 'NODE_CLUSTERCTL_DRAIN', signal: stopSignal });
      } catch {
        done();
      }
    });
  }
}
