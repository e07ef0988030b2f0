/**
 * The programmatic client of the daemon: what the CLI uses and what
 * `import { connect } from 'clusterctl'` gives. `connect()` finds the daemon
 * of CLUSTERCTL_HOME (starting it when nobody answers), does the version
 * handshake, and returns typed methods for every daemon call.
 */
import { connect as netConnect } from 'node:net';
import type { DaemonApi, HelloResult, ProgressEvent } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { homePaths, MAX_SOCKET_PATH_BYTES, resolveHome, type HomePaths } from '../protocol/paths';
import { RpcConnection, TypedRpc, type CallOptions } from '../protocol/rpc-client';
import type { AppInfo } from '../protocol/types';
import { checkProtocol, PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import { DaemonCallsBase, type DaemonCalls } from './daemon-calls';
import type * as Launcher from './daemon-launcher';

export interface ConnectOptions {
  /** CLUSTERCTL_HOME to use (default: $CLUSTERCTL_HOME or ~/.clusterctl). */
  home?: string;
  /** Start the daemon when nobody answers (default true). */
  autoStart?: boolean;
  /** How long to wait for a daemon that was just started (default 10 s). */
  startTimeoutMs?: number;
  /** Environment handed to a daemon this call starts (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface ReloadCallOptions extends CallOptions {
  /** Called as each instance is replaced. */
  onProgress?: (event: ProgressEvent) => void;
}

export interface SubscribeCallOptions extends CallOptions {
  /** Called with every app (env values redacted) at once, then after every change. */
  onApps?: (apps: AppInfo[]) => void;
}

/**
 * A connection to the daemon with one method per DaemonApi method (see
 * ./daemon-calls), each taking that method's params object:
 * `client.describe({ name: 'web' })`, `client.scale({ name: 'web', target })`.
 */
export class Client extends DaemonCallsBase implements DaemonCalls {
  constructor(
    connection: RpcConnection,
    readonly daemon: HelloResult,
    readonly paths: HomePaths,
    readonly startedDaemon: boolean,
  ) {
    super(new TypedRpc<DaemonApi>(connection));
  }

  /** Rolling reload; `onProgress` gets the daemon's 'progress' events as instances are replaced. */
  reload(params: DaemonApi['reload']['params'], opts: ReloadCallOptions = {}): Promise<AppInfo[]> {
    const { onProgress, onEvent, ...rest } = opts;
    return this.rpc.call('reload', params, {
      ...rest,
      onEvent: (event, data) => {
        onEvent?.(event, data);
        if (event === 'progress' && onProgress) onProgress(data as ProgressEvent);
      },
    });
  }

  /**
   * Follows the apps until this client is closed or the daemon goes away; the
   * promise then rejects with E_DAEMON_UNREACHABLE ("closed the connection").
   */
  subscribe(params: DaemonApi['subscribe']['params'] = {}, opts: SubscribeCallOptions = {}): Promise<null> {
    const { onApps, onEvent, ...rest } = opts;
    return this.rpc.call('subscribe', params, {
      ...rest,
      onEvent: (event, data) => {
        onEvent?.(event, data);
        if (event === 'apps' && onApps) onApps(data as AppInfo[]);
      },
    });
  }

  close(): void {
    this.rpc.close();
  }
}

/** Why a connect attempt failed: nobody there (start one) or something else (report it). */
function probe(path: string): Promise<{ ok: true } | { ok: false; absent: boolean; reason: string }> {
  return new Promise((resolve) => {
    const socket = netConnect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const absent = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      resolve({ ok: false, absent, reason: err.code ?? err.message });
    });
  });
}

async function handshake(paths: HomePaths, startedDaemon: boolean): Promise<Client> {
  const connection = await RpcConnection.connect(paths.socket, { code: 'E_DAEMON_UNREACHABLE', peer: 'the daemon' });
  try {
    const hello = await connection.call<HelloResult>(
      'hello',
      { protocol: PROTOCOL_VERSION, version: packageVersion() },
      { timeoutMs: 10000 },
    );
    // Nothing else of a daemon of another protocol is read: its replies may mean something else.
    checkProtocol(hello.protocol, 'the daemon', hello.version, 'this CLI');
    return new Client(connection, hello, paths, startedDaemon);
  } catch (err) {
    connection.close();
    throw err;
  }
}

export async function connect(opts: ConnectOptions = {}): Promise<Client> {
  const paths = homePaths(opts.home ?? resolveHome(opts.env ?? process.env));
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH_BYTES) {
    // Say so instead of waiting for a daemon that cannot listen.
    throw new ClusterctlError(
      'E_DAEMON_UNREACHABLE',
      `CLUSTERCTL_HOME is too long for a Unix socket path (${paths.socket} is ${Buffer.byteLength(paths.socket)} bytes, at most ${MAX_SOCKET_PATH_BYTES})`,
    );
  }
  // The common case first, on one connection: a daemon answers.
  try {
    return await handshake(paths, false);
  } catch (err) {
    if (!(err instanceof ClusterctlError) || err.code !== 'E_DAEMON_UNREACHABLE') throw err;
  }
  // Nobody answered: tell "nobody there" (start one) from anything else (report it).
  const first = await probe(paths.socket);
  if (first.ok) {
    try {
      return await handshake(paths, false);
    } catch (err) {
      // A daemon that was exiting (`kill`, SIGTERM) as we connected: start a fresh one below.
      if (!(err instanceof ClusterctlError) || err.code !== 'E_DAEMON_UNREACHABLE' || opts.autoStart === false)
        throw err;
    }
  } else if (!first.absent) {
    throw new ClusterctlError(
      'E_DAEMON_UNREACHABLE',
      `cannot connect to the daemon at ${paths.socket}: ${first.reason}`,
    );
  }
  if (opts.autoStart === false) {
    throw new ClusterctlError('E_DAEMON_UNREACHABLE', `no daemon is running for ${paths.home}`);
  }
  return launchAndConnect(paths, opts);
}

/** Starts a daemon and waits until it answers the handshake. */
async function launchAndConnect(paths: HomePaths, opts: ConnectOptions): Promise<Client> {
  // Loaded only here: child_process costs every command a few ms, and most find a daemon running.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be under CommonJS
  const { daemonLogTail, launchDaemon } = require('./daemon-launcher') as typeof Launcher;
  let launched;
  try {
    launched = launchDaemon(paths, opts.env ?? process.env);
  } catch (err) {
    throw new ClusterctlError(
      'E_DAEMON_UNREACHABLE',
      `cannot start the daemon in ${paths.home}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10000);
  let last: string;
  for (;;) {
    const attempt = await probe(paths.socket);
    if (attempt.ok) {
      try {
        return await handshake(paths, true);
      } catch (err) {
        // The daemon that answered may be an old one on its way out (kill), closing as we connect.
        if (!(err instanceof ClusterctlError) || err.code !== 'E_DAEMON_UNREACHABLE' || Date.now() > deadline)
          throw err;
        last = err.message;
      }
    } else {
      last = attempt.reason;
      const exit = launched.exit;
      // Exit 0 is the loser of a start race (another daemon holds the lock): keep polling for the winner.
      if (exit !== null && exit.code !== 0) {
        const how = exit.error ?? (exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal ?? '?'}`);
        const tail = daemonLogTail(paths, 1);
        throw new ClusterctlError(
          'E_DAEMON_UNREACHABLE',
          `the daemon failed to start (${how}); see ${paths.daemonLog}${tail === '' ? '' : `\n${tail}`}`,
        );
      }
    }
    if (Date.now() > deadline) {
      throw new ClusterctlError(
        'E_DAEMON_UNREACHABLE',
        `started the daemon but it did not answer on ${paths.socket} within ${opts.startTimeoutMs ?? 10000} ms (${last}); see ${paths.daemonLog}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
