import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppManager } from '../apps';
import { excludeIncompatible } from '../compat';
import type { DaemonContext } from '../context';
import { settleAll } from '../verbs-shared';

/** `clusterctl delete`: stopped like `stop`, then forgotten. Returns the names deleted. */
export async function deleteApps(manager: AppManager, target: string): Promise<string[]> {
  const { registry, logger } = manager;
  manager.refuseWhileShuttingDown();
  const entries = await excludeIncompatible(manager, registry.resolve(target), registry.isSet(target));
  return registry.exclusive(entries, 'delete', async () => {
    const deleted: string[] = [];
    await settleAll(
      entries,
      async (entry) => {
        await manager.stopOne(entry);
        registry.remove(entry.name);
        deleted.push(entry.name);
      },
      () => registry.persist(),
    );
    logger.info({ apps: deleted }, 'apps deleted');
    return entries.map((e) => e.name).filter((n) => deleted.includes(n));
  });
}

export function deleteHandler(ctx: DaemonContext) {
  return async (params: unknown): Promise<{ deleted: string[] }> => {
    const { target } = parseWith(daemonParamSchemas.delete, params, 'delete params');
    return { deleted: await deleteApps(ctx.manager, target) };
  };
}
