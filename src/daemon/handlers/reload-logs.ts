import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonContext } from '../context';
import { reopenAllDestinations } from '../../logfile/destination';

/** `clusterctl reload-logs`: every running app primary, and the daemon itself, reopen their log files by path. */
export function reloadLogsHandler(ctx: DaemonContext) {
  return async (params: unknown): Promise<{ reopened: string[] }> => {
    parseWith(daemonParamSchemas.reloadLogs, params, 'reloadLogs params');
    reopenAllDestinations();
    const reopened: string[] = [];
    for (const app of ctx.manager.list()) {
      // A stopped app has no file open.
      const primary = ctx.manager.primaryOf(app.name);
      if (!primary) continue;
      await primary.reopenLogs();
      reopened.push(app.name);
    }
    ctx.logger.info({ apps: reopened }, 'log files reopened');
    return { reopened };
  };
}
