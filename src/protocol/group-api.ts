/**
 * What the daemon speaks with a primary group's host on the host's own socket
 * (`run/groups/<group>.sock`): a hello, and `host` to open an app's control
 * socket there, on which the daemon then speaks PrimaryApi (./api).
 */
import type { HelloParams } from './api';

/** What a primary group host answers `hello` with, on its own socket (paths.ts groupSocketPath). */
export interface GroupHello {
  pid: number;
  group: string;
  /** The apps it hosts now (display names), each on its own PrimaryApi socket. */
  apps: string[];
  /** The host's process.execPath: every app of the group runs on this node. */
  interpreter: string;
  /** node:cluster's scheduling, frozen by the first cluster-mode app; null before one started. */
  scheduling: 'rr' | 'none' | null;
  protocol: number;
  version: string;
}

/** What the daemon calls on a primary group host (src/primary/main.ts with --group). */
export interface GroupApi {
  hello: { params: HelloParams; result: GroupHello };
  /**
   * Opens the control socket of app `name` in this host (nothing if it is
   * open already) and resolves with its path once it listens; the daemon then
   * speaks PrimaryApi there, as with a primary of its own.
   */
  host: { params: { name: string }; result: { socket: string } };
}
