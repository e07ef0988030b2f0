/** One connection to the daemon per command, with the version notice printed once. */
import { connect, type Client } from '../client/client';
import { ClusterctlError } from '../protocol/errors';
import { notice } from './output';

export interface SessionOptions {
  /** Start the daemon when none runs (default true; `kill` says false). */
  autoStart?: boolean;
}

export async function withClient<T>(fn: (client: Client) => Promise<T>, opts: SessionOptions = {}): Promise<T> {
  const client = await connect({ autoStart: opts.autoStart ?? true });
  try {
    if (client.daemon.versionMismatch) {
      notice(`the running daemon is version ${client.daemon.version}, this CLI is ${cliVersion()}; run \`clusterctl update\` to switch to the new daemon without stopping your apps`);
    }
    return await fn(client);
  } finally {
    client.close();
  }
}

function cliVersion(): string {
  // Read lazily: only the mismatch notice needs it.
  const { packageVersion } = require('../protocol/version') as typeof import('../protocol/version');
  return packageVersion();
}

/** Like withClient, but never starts a daemon: resolves null when none runs. */
export async function withRunningDaemon<T>(fn: (client: Client) => Promise<T>): Promise<T | null> {
  try {
    return await withClient(fn, { autoStart: false });
  } catch (err) {
    if (err instanceof ClusterctlError && err.code === 'E_DAEMON_UNREACHABLE' && /no daemon is running/.test(err.message)) return null;
    throw err;
  }
}
