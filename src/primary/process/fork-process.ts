/**
 * Fork mode: one independent child process of any executable behind the
 * ManagedProcess interface, as PM2's fork mode runs it. It runs in its own
 * process group, so a stop reaches everything it started (`npm start` is
 * npm → sh → node): the stop signal goes to the group, and every kill to the
 * group as well as to every descendant seen. A Node script keeps IPC
 * (`process.send('ready')`) and the drain/listen preload. The stop sequence
 * itself is process-base.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { AppSpec } from '../../protocol/types';
import { workerEnv } from '../worker-env';
import { commandOf } from './fork-command';
import { spawnFailure, type SpawnFailure } from './spawn-failure';
import type { StopOptions } from './managed-process';
import { ProcessBase, internalCmd, listen } from './process-base';

export function spawnForked(spec: AppSpec, instance: number): ForkProcess {
  const cmd = commandOf(spec);
  const child = spawn(cmd.file, cmd.args, {
    cwd: spec.cwd,
    env: workerEnv(spec, instance),
    detached: true,
    stdio: cmd.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    serialization: 'json',
  });
  return new ForkProcess(child, instance, cmd.ipc, (err) => spawnFailure(err, cmd.file, spec.cwd, spec.name));
}

export class ForkProcess extends ProcessBase {
  constructor(
    private readonly child: ChildProcess,
    instance: number,
    private readonly ipc: boolean,
    failed: (err: NodeJS.ErrnoException) => SpawnFailure,
  ) {
    // Without our preload nothing reports the script running: its clock starts at spawn.
    super(child.pid ?? -1, instance, !ipc);
    child.on('error', (err: NodeJS.ErrnoException) => {
      // After a spawn, 'error' is only an IPC send failing; it could not run only when there is no pid.
      if (child.pid !== undefined && err.code !== 'ENOENT' && err.code !== 'EACCES') return;
      const { code, failure } = failed(err);
      this.recordExit(code, null, failure);
    });
    child.once('exit', (code, signal) => this.recordExit(code, signal));
    child.on('internalMessage', (msg: unknown) => this.onInternalMessage(msg));
  }

  get stdout(): Readable | null {
    return this.child.stdout;
  }

  get stderr(): Readable | null {
    return this.child.stderr;
  }

  onListening(listener: () => void): () => void {
    return listen(this.child, 'internalMessage', (msg: unknown) => {
      if (internalCmd(msg) === 'NODE_CLUSTERCTL_LISTENING') listener();
    });
  }

  protected get internalEvents(): EventEmitter {
    return this.child;
  }

  protected get appMessages(): EventEmitter {
    return this.child;
  }

  /** The group as well: a descendant not seen yet (started since the last sample) is in it. */
  protected override killTree(self: boolean): void {
    this.killGroup('SIGKILL');
    super.killTree(self);
  }

  protected canDrain(): boolean {
    return this.ipc && this.child.connected;
  }

  protected sendDrain(stopSignal: string | null): void {
    this.child.send({ cmd: 'NODE_CLUSTERCTL_DRAIN', signal: stopSignal });
  }

  /** A Node child with IPC gets 'shutdown' when asked; anything else the stop signal, group-wide. */
  protected askToStop(opts: StopOptions): void {
    if (opts.shutdownWithMessage && this.ipc && this.child.connected) {
      try {
        this.child.send('shutdown');
        return;
      } catch {
        /* the channel closed meanwhile: fall back to the signal */
      }
    }
    this.killGroup(opts.stopSignal);
  }

  /** The group is ours: its id is the child's pid (detached: setsid). */
  private killGroup(signal: NodeJS.Signals): void {
    if (this.pid < 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      /* the group is gone */
    }
  }
}
