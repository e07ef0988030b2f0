/**
 * Which app of a primary group owns each listening handle of the one
 * node:cluster primary they share.
 *
 * node:cluster pools listening handles per primary, keyed by
 * `${address}:${port}:${addressType}:${fd}:${index}` (queryServer in
 * lib/internal/cluster/primary.js, Node 20): a worker of a second app that
 * listens on the same port, or on port 0 (which the pool hands out once and
 * reuses), would silently join the first app's handle and receive its
 * connections. So the first app whose worker asks for a key owns it until
 * that app leaves the host; a worker of another app asking for it is refused
 * before node:cluster sees the request (see ClusterWorker's port guard).
 */
import type { ErrorCode } from '../../protocol/errors';

/** The part of a worker's `{cmd: 'NODE_CLUSTER', act: 'queryServer'}` message that names the handle. */
export interface ServerQuery {
  key: string;
  port: number;
}

/** The handle a worker asks for, or null when `msg` is any other internal message (the common case: cheap). */
export function serverQueryOf(msg: unknown): ServerQuery | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const q = msg as {
    cmd?: unknown;
    act?: unknown;
    address?: unknown;
    port?: unknown;
    addressType?: unknown;
    fd?: unknown;
    index?: unknown;
  };
  if (q.act !== 'queryServer' || q.cmd !== 'NODE_CLUSTER') return null;
  // The same template literal as node's, so equal keys here are equal keys there.
  const key = `${String(q.address)}:${String(q.port)}:${String(q.addressType)}:${String(q.fd)}:${String(q.index)}`;
  return { key, port: Number(q.port) };
}

/**
 * The code of the listen error a refused worker reports (where the preload
 * reports an errno such as EADDRINUSE): unlike a port taken by some other
 * process, one taken by an app of the group cannot free up by retrying, so
 * the start fails with this code and the daemon does not keep the app.
 */
export const PORT_CLAIMED = 'E_GROUP_CONFLICT' satisfies ErrorCode;

export class PortClaims {
  /** Handle key → the app that owns it. */
  private readonly owners = new Map<string, string>();

  constructor(readonly group: string) {}

  /** Records `app` as the owner of `query`'s handle when it is free; returns why it is refused otherwise. */
  claim(app: string, query: ServerQuery): string | null {
    const owner = this.owners.get(query.key);
    if (owner === undefined) {
      this.owners.set(query.key, app);
      return null;
    }
    if (owner === app) return null;
    const port = query.port === 0 ? 'a port chosen by the system (0)' : `port ${query.port}`;
    return (
      `${port} is already served by app ${owner} of primary group ${this.group}: ` +
      `give ${app} another port or its own primary (drop --primary-group)`
    );
  }

  /** `app` left the host: its handles are free for another app. */
  release(app: string): void {
    for (const [key, owner] of this.owners) if (owner === app) this.owners.delete(key);
  }
}
