import { shellName } from '../../protocol/app-name';
import { ClusterctlError } from '../../protocol/errors';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import { toAppInfo } from '../app-info';
import type { AppManager } from '../apps';
import { excludeIncompatible } from '../compat';
import type { DaemonContext } from '../context';
import { settleAll } from '../verbs-shared';

/** `clusterctl start <name>`: start registered apps that are stopped, counters unchanged. */
export async function resumeApps(manager: AppManager, target: string): Promise<AppInfo[]> {
  const { registry, logger } = manager;
  manager.refuseWhileShuttingDown();
  const entries = registry.resolve(target);
  // Decided with the lookup, before any await: a delete meanwhile must not turn a name into a set.
  const isSet = registry.isSet(target);
  const idle = (await excludeIncompatible(manager, entries, isSet)).filter((e) => e.primary === null);
  if (!isSet && idle.length === 0) {
    throw new ClusterctlError(
      'E_APP_EXISTS',
      `app ${target} is already running; use \`clusterctl restart ${shellName(target)}\` to restart it`,
    );
  }
  await registry.exclusive(idle, 'resume', async () => {
    await settleAll(
      idle,
      async (entry) => {
        await manager.startAgain(entry, entry.spec);
        logger.info({ app: entry.name, primaryPid: entry.primary?.pid }, 'app resumed');
      },
      () => registry.persist(),
    );
  });
  // Built once the operation has released the apps, so they do not read as still busy.
  return entries.map(toAppInfo);
}

export function resumeHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo[]> => {
    const { target } = parseWith(daemonParamSchemas.resume, params, 'resume params');
    return resumeApps(ctx.manager, target);
  };
}
