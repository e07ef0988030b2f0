/** What every request handler of the daemon may use. */
import type { HomePaths } from '../protocol/paths';
import type { AppManager } from './apps';
import type { ChangeFeed } from './change-feed';
import type { Logger } from './logger';
import type { ProcessMetrics } from '../observe/metrics';
import type { WebEndpoint } from './http/endpoint';

export interface DaemonContext {
  paths: HomePaths;
  manager: AppManager;
  logger: Logger;
  /** Every change of the apps, coalesced: `watch` and the web endpoint follow it. */
  feed: ChangeFeed;
  /** The HTTP endpoint (`clusterctl web`); it does not listen until turned on. */
  web: WebEndpoint;
  /** The daemon's process metrics and reload figures for /metrics. */
  metrics: ProcessMetrics;
  /** epoch ms the daemon started */
  startedAt: number;
  /** Ends the daemon: closes and removes its socket and pid file; the apps are left as they are. */
  exit(why: string): void;
}
