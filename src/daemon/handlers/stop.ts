import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import { toAppInfo } from '../app-info';
import type { AppManager } from '../apps';
import { excludeIncompatible } from '../compat';
import type { DaemonContext } from '../context';
import { settleAll } from '../verbs-shared';

/** `clusterctl stop`: every worker stopped gracefully, the primary ends, the app stays registered. */
export async function stopApps(manager: AppManager, target: string): Promise<AppInfo[]> {
  const { registry } = manager;
  manager.refuseWhileShuttingDown();
  const listed = registry.resolve(target);
  const entries = await excludeIncompatible(manager, listed, registry.isSet(target));
  await registry.exclusive(entries, 'stop', async () => {
    await settleAll(
      entries,
      (entry) => manager.stopOne(entry),
      () => registry.persist(),
    );
  });
  // Built once the operation has released the apps, so they do not read as still busy.
  return listed.map(toAppInfo);
}

export function stopHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo[]> => {
    const { target } = parseWith(daemonParamSchemas.stop, params, 'stop params');
    return stopApps(ctx.manager, target);
  };
}
