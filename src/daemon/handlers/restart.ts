import type { RestartOptions } from '../../protocol/api';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import { toAppInfo } from '../app-info';
import type { AppManager } from '../apps';
import { excludeIncompatible } from '../compat';
import type { DaemonContext } from '../context';
import { checkJoin } from '../group-hosts';
import { planRestart } from '../restart-plan';
import { forTarget, refuseSpreadSpec, settleAll, settled } from '../verbs-shared';

/**
 * `clusterctl restart`: the primary stops and starts every worker; an app
 * with no primary is started again; an app asked into another primary group
 * (or out of one), or for another scheduling, is stopped where it runs and
 * started in a new primary. Every target is planned, and refused if need
 * be, before any is stopped (restart-plan.ts).
 */
export async function restartApps(
  manager: AppManager,
  target: string,
  options: RestartOptions = {},
): Promise<AppInfo[]> {
  const { registry, logger } = manager;
  manager.refuseWhileShuttingDown();
  const listed = registry.resolve(target);
  // Decided with the lookup, before any await: a delete meanwhile must not turn a name into a set.
  const isSet = registry.isSet(target);
  const entries = forTarget(await excludeIncompatible(manager, listed, isSet), isSet);
  refuseSpreadSpec('restart', entries, target, options.spec);
  await registry.exclusive(entries, 'restart', async () => {
    const steps = planRestart(registry, entries, options);
    // What a group's running host would refuse (its node), asked before anything is stopped.
    for (const { spec, replace } of steps)
      if (replace && spec.primaryGroup !== null) await checkJoin(manager.deps.home, spec, spec.primaryGroup);
    await settleAll(
      steps,
      async ({ entry, spec, replace }) => {
        const handle = entry.primary;
        if (handle && replace) {
          await manager.moveTo(entry, spec);
        } else if (handle) {
          entry.status = settled(await handle.restart(spec));
          entry.spec = spec;
        } else {
          await manager.startAgain(entry, spec);
        }
        logger.info({ app: entry.name }, 'app restarted');
      },
      () => registry.persist(),
    );
  });
  // Built once the operation has released the apps, so they do not read as still busy.
  return listed.map(toAppInfo);
}

export function restartHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo[]> => {
    const { target, options } = parseWith(daemonParamSchemas.restart, params, 'restart params');
    return restartApps(ctx.manager, target, options);
  };
}
