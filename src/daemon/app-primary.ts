/**
 * One app primary seen from the daemon: spawning it, connecting to its
 * control socket (fresh or adopted after a daemon restart), calling it, and
 * noticing when it is gone. The primary is a separate process in its own
 * session so it outlives the daemon; this handle is only our connection.
 */
import { join } from 'node:path';
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
import { waitForExit } from '../os/liveness';
import { killSession } from '../os/session';
import { logTail, spawnDetached } from '../os/spawn-detached';
import { primaryLogPath, primarySocketPath } from '../protocol/paths';
import { RpcConnection, TypedRpc } from '../protocol/rpc-client';
import type { AppSpec, SendableSignal } from '../protocol/types';
import { PROTOCOL_VERSION, checkProtocol, packageVersion } from '../protocol/version';

/** The compiled app primary, next to the daemon in dist/. */
export const PRIMARY_ENTRY = join(__dirname, '..', 'primary', 'main.js');
const CONNECT_DEADLINE_MS = 10000;
/** Extra time `init` gets beyond the app's own listen timeout (forks, module loading). */
const INIT_GRACE_MS = 15000;

let inheritOutput = false;
/**
 * `clusterctl run`: primaries from now on write to this process's stdout and
 * stderr (their workers' lines, their own crash) instead of their log file.
 */
export function inheritPrimaryOutput(): void {
  inheritOutput = true;
}

export interface GoneInfo {
  /** True when we asked it to stop (stop, delete, kill): not a crash. */
  expected: boolean;
  pid: number;
}

/**
 * A primary that answered `hello` with another protocol version: it was
 * started by another clusterctl, so its messages may mean something else.
 * The daemon leaves it running and does not command it.
 */
export class IncompatiblePrimaryError extends ClusterctlError {
  readonly pid: number | null;
  /** The spec it says it runs, unchecked: its shape is another version's. */
  readonly spec: unknown;
  constructor(name: string, hello: { pid?: unknown; protocol?: unknown; version?: unknown; spec?: unknown }) {
    super('E_PROTOCOL_MISMATCH', protocolMismatchText(name, hello));
    this.pid = typeof hello.pid === 'number' && Number.isInteger(hello.pid) ? hello.pid : null;
    this.spec = hello.spec;
  }
}

function protocolMismatchText(name: string, hello: { protocol?: unknown; version?: unknown }): string {
  try {
    checkProtocol(hello.protocol, `the app primary of ${name}`, hello.version, 'this daemon');
    return `the app primary of ${name} speaks protocol ${PROTOCOL_VERSION}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export class PrimaryHandle {
  private expectingExit = false;
  private goneListeners: Array<(info: GoneInfo) => void> = [];
  private gone = false;

  private constructor(
    readonly name: string,
    readonly pid: number,
    private readonly rpc: TypedRpc<PrimaryApi>,
    readonly hello: PrimaryStatus,
  ) {
    rpc.connection.onClose(() => void this.onConnectionClosed());
  }

  /** Spawns a fresh primary for `spec` and connects to it (it then waits for `init`). */
  static async spawn(home: string, spec: AppSpec): Promise<PrimaryHandle> {
    const logPath = primaryLogPath(home, spec.name);
    const child = spawnDetached(spec.interpreter, [PRIMARY_ENTRY, '--home', home, '--name', spec.name], {
      logPath,
      env: primaryEnvironment(home),
      cwd: home,
      inheritOutput,
    });
    const { pid } = child;
    const socketPath = primarySocketPath(home, spec.name);
    const deadline = Date.now() + CONNECT_DEADLINE_MS;
    let lastError = 'no answer';
    for (;;) {
      const ended = child.exited();
      if (ended !== null) {
        const how =
          ended.code === 3
            ? 'another app primary already runs for this app'
            : `it exited (${ended.code !== null ? `code ${ended.code}` : (ended.signal ?? 'unknown')})`;
        throw new ClusterctlError(
          'E_START_FAILED',
          `the app primary of ${spec.name} did not start: ${how}${logTail(logPath)}`,
        );
      }
      if (pid !== undefined) {
        try {
          const handle = await PrimaryHandle.connect(socketPath, spec.name, 1000);
          if (handle.pid === pid) return handle;
          // Someone else's primary answered on this socket: not ours to drive.
          handle.close();
          lastError = `socket answered by pid ${handle.pid}, not ${pid}`;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
        }
      }
      if (Date.now() > deadline) {
        if (pid !== undefined) killSession(pid);
        throw new ClusterctlError(
          'E_START_FAILED',
          `the app primary of ${spec.name} did not answer within ${CONNECT_DEADLINE_MS} ms (${lastError})${logTail(logPath)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
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

  /** Stops every worker; the primary exits after replying. Resolves once its process is gone. */
  async stop(killTimeoutMs: number): Promise<PrimaryStatus | null> {
    this.expectingExit = true;
    let final: PrimaryStatus | null = null;
    try {
      // Stopping a worker takes up to its kill timeout; many workers stop in parallel.
      final = await this.rpc.call('stop', {}, { timeoutMs: killTimeoutMs + 15000 });
    } catch {
      /* a primary that does not answer is killed below */
    }
    // Either it exited (then this sweeps up any worker that escaped its stop) or it hangs (then this ends it).
    await waitForExit(this.pid, 5000);
    killSession(this.pid);
    this.close();
    return final;
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
    if (this.expectingExit) {
      await waitForExit(this.pid, 5000);
    } else if (!(await waitForExit(this.pid, 3000))) {
      // Alive but not talking to us: it cannot be supervised like that, so end it.
      killSession(this.pid);
      await waitForExit(this.pid, 2000);
    }
    this.gone = true;
    const info: GoneInfo = { expected: this.expectingExit, pid: this.pid };
    for (const l of this.goneListeners.splice(0)) l(info);
  }
}

/** The primary's environment: minimal, the app's own comes with the spec. */
function primaryEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CLUSTERCTL_HOME: home };
  if (process.env.PATH !== undefined) env.PATH = process.env.PATH;
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  // A daemon started by a test passes the marker on, so an illegal worker
  // transition inside a real primary fails that test instead of being only
  // logged (slot-table.ts strictTransitions; the primary reads it before it
  // empties its environment, so workers never see it).
  if (process.env.JEST_WORKER_ID !== undefined) env.JEST_WORKER_ID = process.env.JEST_WORKER_ID;
  return env;
}
