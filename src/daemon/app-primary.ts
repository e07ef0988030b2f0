/**
 * One app primary seen from the daemon: spawning it, connecting to its
 * control socket (fresh or adopted after a daemon restart), calling it, and
 * noticing when it is gone. The primary is a separate process in its own
 * session so it outlives the daemon; this handle is only our connection.
 */
import type {
  AppMetricsResult,
  PrimaryApi,
  PrimaryMetrics,
  PrimaryStatus,
  ProgressEvent,
  SignalResult,
  WorkerEnvResult,
} from '../protocol/api';
import { isPrimaryMetrics } from '../protocol/metrics';
import { ClusterctlError } from '../protocol/errors';
import { isProcessAlive, waitForExit } from '../os/liveness';
import { killSession } from '../os/session';
import { RpcConnection, TypedRpc } from '../protocol/rpc-client';
import type { AppSpec, SendableSignal } from '../protocol/types';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import { IncompatiblePrimaryError } from './primary-mismatch';
import { joinGroup, spawnOwnPrimary } from './primary-spawn';

export { PRIMARY_ENTRY, inheritPrimaryOutput } from './primary-process';
export { IncompatiblePrimaryError } from './primary-mismatch';

/** Extra time `init` gets beyond the app's own listen timeout (forks, module loading). */
const INIT_GRACE_MS = 15000;
/** How long a group host may take to close an app's socket once it answered `stop`. */
const LEAVE_HOST_MS = 5000;

export interface GoneInfo {
  /** True when we asked it to stop (stop, delete, kill): not a crash. */
  expected: boolean;
  pid: number;
  /**
   * The session to sweep before a new primary starts: the dead primary's
   * pid, or 0 when the process lives on (a group host whose other apps it
   * still runs: only this app's socket closed).
   */
  sweep: number;
}

export class PrimaryHandle {
  private expectingExit = false;
  private goneListeners: Array<(info: GoneInfo) => void> = [];
  private gone = false;
  private readonly closed: Promise<void>;

  private constructor(
    readonly name: string,
    readonly pid: number,
    private readonly rpc: TypedRpc<PrimaryApi>,
    readonly hello: PrimaryStatus,
  ) {
    this.closed = new Promise((resolve) =>
      rpc.connection.onClose(() => {
        resolve();
        void this.onConnectionClosed();
      }),
    );
  }

  /** The primary group whose host runs the app, or null: a primary of its own (pid is then the app's alone). */
  get group(): string | null {
    return this.hello.group ?? null;
  }

  /** Spawns a fresh primary for `spec` and connects to it (it then waits for `init`). */
  static spawn(home: string, spec: AppSpec): Promise<PrimaryHandle> {
    const connect = (socket: string, timeoutMs: number) => PrimaryHandle.connect(socket, spec.name, timeoutMs);
    return spec.primaryGroup === null
      ? spawnOwnPrimary(home, spec, connect)
      : joinGroup(home, spec, spec.primaryGroup, connect);
  }

  /** Connects to a primary that is already running (adoption); rejects when nobody answers. */
  static async connect(socketPath: string, name: string, timeoutMs = 2000): Promise<PrimaryHandle> {
    const connection = await RpcConnection.connect(socketPath, {
      code: 'E_PRIMARY_UNREACHABLE',
      peer: `the app primary of ${name}`,
      timeoutMs,
    });
    const rpc = new TypedRpc<PrimaryApi>(connection);
    try {
      const hello = await rpc.call(
        'hello',
        { protocol: PROTOCOL_VERSION, version: packageVersion() },
        { timeoutMs: Math.max(timeoutMs, 2000) },
      );
      if (hello.protocol !== PROTOCOL_VERSION) throw new IncompatiblePrimaryError(name, hello);
      return new PrimaryHandle(name, hello.pid, rpc, hello);
    } catch (err) {
      rpc.close();
      throw err;
    }
  }

  init(spec: AppSpec): Promise<PrimaryStatus> {
    return this.rpc.call('init', { spec }, { timeoutMs: spec.listenTimeout + INIT_GRACE_MS }).catch((err: unknown) => {
      if (err instanceof ClusterctlError && err.code === 'E_TIMEOUT') {
        throw new ClusterctlError(
          'E_START_FAILED',
          `${spec.name} did not come online within ${spec.listenTimeout + INIT_GRACE_MS} ms`,
        );
      }
      throw err;
    });
  }

  status(): Promise<PrimaryStatus> {
    return this.rpc.call('status', {}, { timeoutMs: 10000 });
  }

  /** Empties the app's log files and removes their rotated files (the primary holds them open). */
  flushLogs(): Promise<null> {
    return this.rpc.call('flush', {}, { timeoutMs: 10000 });
  }

  signal(signal: SendableSignal, instance: number | null): Promise<SignalResult> {
    return this.rpc.call('signal', { signal, instance }, { timeoutMs: 10000 });
  }

  env(instance: number): Promise<WorkerEnvResult> {
    return this.rpc.call('env', { instance }, { timeoutMs: 10000 });
  }

  /** Reopens the app's log files by path, after someone else rotated them. */
  reopenLogs(): Promise<null> {
    return this.rpc.call('reopenLogs', {}, { timeoutMs: 10000 });
  }

  /** The workers' own prom-client metrics, gathered by the primary within `timeoutMs`. */
  metrics(timeoutMs: number): Promise<AppMetricsResult> {
    return this.rpc.call('metrics', { timeoutMs }, { timeoutMs: timeoutMs + 2000 });
  }

  /** Streams status and metrics events into the callbacks until the connection closes. */
  subscribe(onStatus: (status: PrimaryStatus) => void, onMetrics: (metrics: PrimaryMetrics) => void): void {
    this.rpc
      .call(
        'subscribe',
        {},
        {
          onEvent: (event, data) => {
            if (event === 'status') onStatus(data as PrimaryStatus);
            else if (event === 'metrics' && isPrimaryMetrics(data)) onMetrics(data);
          },
        },
      )
      .catch(() => {
        /* the connection closed: onConnectionClosed handles it */
      });
  }

  /**
   * Stops every worker; the primary exits after replying. Resolves once its
   * process is gone, or, in a group host, once the host closed the app's socket.
   */
  async stop(killTimeoutMs: number): Promise<PrimaryStatus | null> {
    this.expectingExit = true;
    let final: PrimaryStatus | null = null;
    let hung = false;
    try {
      // Stopping a worker takes up to its kill timeout; many workers stop in parallel.
      final = await this.rpc.call('stop', {}, { timeoutMs: killTimeoutMs + 15000 });
    } catch (err) {
      hung = err instanceof ClusterctlError && err.code === 'E_TIMEOUT';
    }
    if (this.group !== null) {
      await this.leaveHost(hung);
      return final;
    }
    // Either it exited (then this sweeps up any worker that escaped its stop) or it hangs (then this ends it).
    await waitForExit(this.pid, 5000);
    killSession(this.pid);
    this.close();
    return final;
  }

  /**
   * After `stop` in a group host: the host runs other apps, so its pid is
   * neither waited on nor killed; the app is out once its socket closed.
   */
  private async leaveHost(hung: boolean): Promise<void> {
    if (hung) {
      // A host that does not answer can only be ended whole: killing its
      // session ends every app of the group, whose handles then see their
      // connections close and whose gone handlers revive them.
      killSession(this.pid);
      await waitForExit(this.pid, 5000);
    } else {
      await Promise.race([this.closed, new Promise((r) => setTimeout(r, LEAVE_HOST_MS).unref())]);
      // A host that died meanwhile left its session behind: sweep it, as for a primary of its own.
      if (!isProcessAlive(this.pid)) killSession(this.pid);
    }
    this.close();
  }

  restart(spec: AppSpec): Promise<PrimaryStatus> {
    return this.rpc.call('restart', { spec });
  }

  reload(spec: AppSpec, parallel: number, onProgress?: (event: ProgressEvent) => void): Promise<PrimaryStatus> {
    return this.rpc.call(
      'reload',
      { spec, parallel },
      {
        onEvent: (event, data) => {
          if (event === 'progress') onProgress?.(data as ProgressEvent);
        },
      },
    );
  }

  scale(instances: number): Promise<PrimaryStatus> {
    return this.rpc.call('scale', { instances });
  }

  /** Called once when the primary is gone (its process ended, or it stopped answering). */
  onGone(listener: (info: GoneInfo) => void): void {
    this.goneListeners.push(listener);
  }

  /** Drops our connection; the primary keeps running (daemon shutdown). */
  close(): void {
    this.rpc.close();
  }

  /** Forgets the gone listeners: used when the daemon itself shuts down. */
  detach(): void {
    this.goneListeners = [];
    this.close();
  }

  get isGone(): boolean {
    return this.gone;
  }

  private async onConnectionClosed(): Promise<void> {
    if (this.group !== null) {
      // A group host: either it died (every app of the group is gone, and
      // is revived) or it closed only this app's socket and runs on. Never
      // killed for one app: the others it runs are not this handle's.
      if (!this.expectingExit) await waitForExit(this.pid, 1000);
    } else if (this.expectingExit) {
      await waitForExit(this.pid, 5000);
    } else if (!(await waitForExit(this.pid, 3000))) {
      // Alive but not talking to us: it cannot be supervised like that, so end it.
      killSession(this.pid);
      await waitForExit(this.pid, 2000);
    }
    this.gone = true;
    const sweep = this.group !== null && isProcessAlive(this.pid) ? 0 : this.pid;
    const info: GoneInfo = { expected: this.expectingExit, pid: this.pid, sweep };
    for (const l of this.goneListeners.splice(0)) l(info);
  }
}
