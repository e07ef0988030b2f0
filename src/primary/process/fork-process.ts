/**
 * Fork mode: one independent child process of any executable behind the
 * ManagedProcess interface, as PM2's fork mode runs it. It runs in its own
 * process group, so a stop reaches everything it started (`npm start` is
 * npm → sh → node): the stop signal goes to the group, then SIGKILL to the
 * group and to every descendant seen, after the kill timeout. A Node script
 * keeps IPC (`process.send('ready')`) and the drain/listen preload.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { AppSpec } from '../../protocol/types';
import {
  descendantsOf,
  identify,
  rememberIdentified,
  killIdentified,
  type ProcessIdentity,
} from '../../os/process-tree';
import { workerEnv } from '../worker-env';
import { commandOf } from './fork-command';
import type { ExitInfo, ManagedProcess, StopOptions } from './managed-process';

/** Exit codes a shell gives an exec that failed, so the restart policy treats them as crashes. */
const EXEC_FAILED_CODE: Record<string, number> = { ENOENT: 127, EACCES: 126 };

export function spawnForked(spec: AppSpec, instance: number): ForkProcess {
  const cmd = commandOf(spec);
  const child = spawn(cmd.file, cmd.args, {
    cwd: spec.cwd,
    env: workerEnv(spec, instance),
    detached: true,
    stdio: cmd.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    serialization: 'json',
  });
  return new ForkProcess(child, instance, cmd.ipc, cmd.file);
}

function isReadyMessage(msg: unknown): boolean {
  return msg === 'ready' || (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ready');
}

function internalCmd(msg: unknown): string | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const cmd = (msg as { cmd?: unknown }).cmd;
  return typeof cmd === 'string' ? cmd : null;
}

export class ForkProcess implements ManagedProcess {
  readonly pid: number;
  readonly startedAt = Date.now();
  exit: ExitInfo | null = null;
  readonly exited: Promise<ExitInfo>;
  private scriptStarted: boolean;
  private readonly startWaiters: Array<() => void> = [];
  private drained = false;
  private readonly drainWaiters: Array<() => void> = [];
  private stopping: Promise<ExitInfo> | null = null;
  private knownDescendants: ProcessIdentity[] = [];

  constructor(
    private readonly child: ChildProcess,
    readonly instance: number,
    private readonly ipc: boolean,
    file: string,
  ) {
    this.pid = child.pid ?? -1;
    // Without our preload nothing reports the script running: its clock starts at spawn.
    this.scriptStarted = !ipc;
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: string | null, failure?: string): void => {
        if (this.exit) return;
        this.exit = { code, signal, at: Date.now(), ...(failure === undefined ? {} : { failure }) };
        this.killGroup('SIGKILL');
        killIdentified(this.knownDescendants, 'SIGKILL');
        resolve(this.exit);
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (child.pid !== undefined && err.code !== 'ENOENT' && err.code !== 'EACCES') return;
        const what = err.code === 'ENOENT' ? 'not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
        done(EXEC_FAILED_CODE[err.code ?? ''] ?? 1, null, `could not run ${file}: ${what} (${err.code ?? 'error'})`);
      });
      child.once('exit', (code, signal) => done(code, signal));
    });
    child.on('internalMessage', (msg: unknown) => {
      const cmd = internalCmd(msg);
      if (cmd === 'NODE_CLUSTERCTL_DRAINED') {
        this.drained = true;
        for (const w of this.drainWaiters.splice(0)) w();
      } else if (cmd === 'NODE_CLUSTERCTL_STARTED') this.markStarted();
    });
  }

  get stdout(): Readable | null {
    return this.child.stdout;
  }

  get stderr(): Readable | null {
    return this.child.stderr;
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
    const onInternal = (msg: unknown): void => {
      if (internalCmd(msg) === 'NODE_CLUSTERCTL_LISTENING') listener();
    };
    this.child.on('internalMessage', onInternal);
    return () => this.child.off('internalMessage', onInternal);
  }

  onListenError(listener: (message: string) => void): () => void {
    const onInternal = (msg: unknown): void => {
      if (internalCmd(msg) !== 'NODE_CLUSTERCTL_LISTEN_ERROR') return;
      const m = (msg as { message?: unknown }).message;
      listener(typeof m === 'string' ? m : 'listen failed');
    };
    this.child.on('internalMessage', onInternal);
    return () => this.child.off('internalMessage', onInternal);
  }

  onReady(listener: () => void): () => void {
    const onMessage = (msg: unknown): void => {
      if (isReadyMessage(msg)) listener();
    };
    this.child.on('message', onMessage);
    return () => this.child.off('message', onMessage);
  }

  rememberDescendants(descendants: number[] = descendantsOf(this.pid)): void {
    if (this.exit || this.pid < 0) return;
    rememberIdentified(this.knownDescendants, descendants);
  }

  /** Drain (a Node script), the stop signal to the group, then SIGKILL to the group after killTimeout. */
  stop(opts: StopOptions): Promise<ExitInfo> {
    this.stopping ??= (async () => {
      if (this.exit) return this.exit;
      this.rememberDescendants();
      await this.drain(opts.killTimeout);
      if (!this.hasExited()) {
        this.rememberDescendants();
        this.askToStop(opts);
        const killer = setTimeout(() => {
          this.rememberDescendants();
          this.killGroup('SIGKILL');
          killIdentified([...this.knownDescendants, ...identify([this.pid])], 'SIGKILL');
        }, opts.killTimeout);
        await this.exited;
        clearTimeout(killer);
      }
      return this.exited;
    })();
    return this.stopping;
  }

  /** PM2's shutdown_with_message: a Node child with IPC gets 'shutdown'; anything else the stop signal, group-wide. */
  private askToStop(opts: StopOptions): void {
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

  kill(): Promise<ExitInfo> {
    this.rememberDescendants();
    this.killGroup('SIGKILL');
    killIdentified([...identify([this.pid]), ...this.knownDescendants], 'SIGKILL');
    return this.exited;
  }

  private hasExited(): boolean {
    return this.exit !== null;
  }

  private markStarted(): void {
    if (this.scriptStarted) return;
    this.scriptStarted = true;
    for (const w of this.startWaiters.splice(0)) w();
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

  private drain(deadlineMs: number): Promise<void> {
    if (!this.ipc || this.drained || this.exit || !this.child.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, deadlineMs);
      this.drainWaiters.push(done);
      void this.exited.then(done);
      try {
        this.child.send({ cmd: 'NODE_CLUSTERCTL_DRAIN' });
      } catch {
        done();
      }
    });
  }
}
