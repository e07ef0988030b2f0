/** One connection to the daemon per command, with the version notice printed once. */
import { connect, type Client } from '../client/client';
import { ClusterctlError } from '../protocol/errors';
import { packageVersion } from '../protocol/version';
import { notice } from './output';

/** Runs `fn` on a client of the daemon, starting the daemon when none runs. */
export async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  return use(await connect(), fn);
}

/** Like withClient, but never starts a daemon: resolves null when none runs. */
export async function withRunningDaemon<T>(fn: (client: Client) => Promise<T>): Promise<T | null> {
  const client = await connectIfRunning();
  return client === null ? null : use(client, fn);
}

/** The running daemon's client, or null when none runs (one is never started). */
export async function connectIfRunning(): Promise<Client | null> {
  try {
    return await connect({ autoStart: false });
  } catch (err) {
    if (
      err instanceof ClusterctlError &&
      err.code === 'E_DAEMON_UNREACHABLE' &&
      /no daemon is running/.test(err.message)
    )
      return null;
    throw err;
  }
}

async function use<T>(client: Client, fn: (client: Client) => Promise<T>): Promise<T> {
  try {
    if (client.daemon.versionMismatch) {
      notice(
        `the running daemon is version ${client.daemon.version}, this CLI is ${packageVersion()}; run \`clusterctl update\` to switch to the new daemon without stopping your apps`,
      );
    }
    return await fn(client);
  } finally {
    client.close();
  }
}
