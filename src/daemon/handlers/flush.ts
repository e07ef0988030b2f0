import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';
import { flushAppLogs } from '../primary-log-control';

/** `clusterctl flush [name]`: empties the log files of one app, of a namespace's apps, or of every app. */
export function flushHandler(ctx: DaemonContext) {
  return async (params: unknown): Promise<{ flushed: string[] }> => {
    const { target } = parseWith(daemonParamSchemas.flush, params, 'flush params');
    // No target (or 'all') with no apps is not an error: there is nothing to empty.
    const apps: AppInfo[] =
      target === undefined || target === 'all'
        ? ctx.manager.list()
        : ctx.manager.registry.resolve(target).map((e) => ctx.manager.describe(e.name));
    const flushed: string[] = [];
    for (const app of apps) {
      await flushAppLogs(ctx.manager.primaryOf(app.name), app);
      flushed.push(app.name);
    }
    ctx.logger.info({ apps: flushed }, 'logs flushed');
    return { flushed };
  };
}
