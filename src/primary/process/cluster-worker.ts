/**
 * A node:cluster worker behind the ManagedProcess interface: how it is
 * forked (the app's script as its main module, with our drain preload), how
 * it reports listening, listen errors and `ready`, and how the drain request
 * and the stop signal reach it. The stop sequence itself is process-base.ts.
 */
import cluster, { type Worker } from 'node:cluster';
import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AppSpec } from '../../protocol/types';
import { joinRelay } from '../sticky/adapter-relay';
import type { StickyRouter } from '../sticky/router';
import { workerEnv } from '../worker-env';
import type { StopOptions } from './managed-process';
import { ProcessBase, listen } from './process-base';
import { PORT_CLAIMED, serverQueryOf, type PortClaims } from './port-claims';
import { spawnFailure, type SpawnFailure } from './spawn-failure';

const PRELOAD = join(__dirname, '..', 'preload.js');

/** What one app's workers share inside a primary that may run other apps too (a primary group host). */
export interface WorkerCompany {
  /** In sticky mode the router that owns the app's ports, else null (node:cluster's own balancing). */
  sticky: StickyRouter | null;
  /** The app's live cluster workers: the only ones its metrics and socket.io relay reach. */
  peers: Set<Worker>;
  /** In a group host, who owns each listening handle (null in a primary of its own: no check at all). */
  ports: PortClaims | null;
}

/** Forks one worker of `spec` for `instance`, among the other workers of its app (`company`). */
export function forkClusterWorker(spec: AppSpec, instance: number, company: WorkerCompany): ClusterWorker {
  // Settings persist between setupPrimary calls; set all of them every time.
  cluster.setupPrimary({
    exec: spec.script,
    args: spec.args,
    execArgv: [...spec.nodeArgs, '--require', PRELOAD],
    cwd: spec.cwd,
    silent: true,
    serialization: 'json',
  });
  const failed = (err: NodeJS.ErrnoException): SpawnFailure => spawnFailure(err, process.execPath, spec.cwd, spec.name);
  const worker = cluster.fork(workerEnv(spec, instance));
  joinRelay(worker, company.peers);
  const proc = new ClusterWorker(worker, instance, company.sticky, failed);
  if (company.ports) proc.guardPorts(spec.name, company.ports);
  return proc;
}

export class ClusterWorker extends ProcessBase {
  constructor(
    private readonly worker: Worker,
    instance: number,
    private readonly sticky: StickyRouter | null = null,
    failed: (err: NodeJS.ErrnoException) => SpawnFailure = (err) => ({ code: 1, failure: err.message }),
  ) {
    super(worker.process.pid ?? -1, instance, false);
    sticky?.attach(worker, instance);
    worker.once('exit', (code: number | null, signal: string | null) => this.recordExit(code, signal));
    // node:cluster re-emits its process's errors on the worker, and an 'error' nobody listens to is thrown in
    // the primary. With no pid the fork itself failed (a missing cwd): no 'exit' follows, so this is its end.
    worker.on('error', (err: NodeJS.ErrnoException) => {
      if (worker.process.pid !== undefined) return; // a live worker's IPC error: its exit comes as usual
      const { code, failure } = failed(err);
      this.recordExit(code, null, failure);
    });
    worker.process.on('internalMessage', (msg: unknown) => this.onInternalMessage(msg));
  }

  /**
   * In a group host: a listen on a handle another app of the group owns is
   * refused. Prepended, so it sees the worker's queryServer before
   * node:cluster's own listener does; `exitedAfterDisconnect` makes node's
   * queryServer return at once (`if (worker.exitedAfterDisconnect) return;`,
   * lib/internal/cluster/primary.js in Node 20), so the worker never joins the
   * other app's handle. It runs per internal message, which is never per
   * connection in a primary of its own: there it is not installed at all.
   */
  guardPorts(app: string, ports: PortClaims): void {
    this.worker.process.prependListener('internalMessage', (msg: unknown) => {
      const query = serverQueryOf(msg);
      if (!query) return;
      const refusal = ports.claim(app, query);
      if (refusal === null) return;
      this.worker.exitedAfterDisconnect = true;
      // Reported as the preload reports an EADDRINUSE, so readiness and `ls` treat both alike; the code
      // tells the daemon that, unlike EADDRINUSE, no retry can succeed while the other app runs.
      this.worker.process.emit('internalMessage', {
        cmd: 'NODE_CLUSTERCTL_LISTEN_ERROR',
        message: refusal,
        code: PORT_CLAIMED,
      });
      void this.kill();
    });
  }

  get stdout(): Readable | null {
    return this.worker.process.stdout;
  }

  get stderr(): Readable | null {
    return this.worker.process.stderr;
  }

  onListening(listener: () => void): () => void {
    return listen(this.worker, 'listening', listener);
  }

  protected get internalEvents(): EventEmitter {
    return this.worker.process;
  }

  protected get appMessages(): EventEmitter {
    return this.worker;
  }

  /** Before the drain message: a connection already sent arrives first (IPC keeps order), none after. */
  protected override beforeDrain(): void {
    this.sticky?.retire(this.worker);
  }

  protected canDrain(): boolean {
    return this.worker.isConnected();
  }

  protected sendDrain(stopSignal: string | null): void {
    this.worker.process.send({ cmd: 'NODE_CLUSTERCTL_DRAIN', signal: stopSignal });
  }

  protected askToStop(opts: StopOptions): void {
    try {
      if (opts.shutdownWithMessage) this.worker.send('shutdown');
      else process.kill(this.pid, opts.stopSignal);
    } catch {
      /* exited meanwhile */
    }
  }
}
