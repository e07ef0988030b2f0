/** What every request handler of the daemon may use. */
import type { HomePaths } from '../protocol/paths';
import type { AppManager } from './apps';
import type { ChangeFeed } from './change-feed';
import type { Logger } from './logger';

export interface DaemonContext {
  paths: HomePaths;
  manager: AppManager;
  logger: Logger;
  /** Every change of the apps, coalesced: `watch` and the web endpoint follow it. */
  feed: ChangeFeed;
  /** epoch ms the daemon started */
  startedAt: number;
  /** Ends the daemon: closes and removes its socket and pid file; the apps are left as they are. */
  exit(why: string): void;
}
