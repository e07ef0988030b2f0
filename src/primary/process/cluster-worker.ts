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
import type { StickyRouter } from '../sticky/router';
import { workerEnv } from '../worker-env';
import type { StopOptions } from './managed-process';
import { ProcessBase, listen } from './process-base';
import { spawnFailure, type SpawnFailure } from './spawn-failure';

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
  const failed = (err: NodeJS.ErrnoException): SpawnFailure => spawnFailure(err, process.execPath, spec.cwd, spec.name);
  return new ClusterWorker(cluster.fork(workerEnv(spec, instance)), instance, sticky, failed);
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
