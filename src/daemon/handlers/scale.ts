import type { ScaleTarget } from '../../protocol/api';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import { servingWorkers } from '../../protocol/workers';
import { applyScaleTarget } from '../../config/instances';
import { toAppInfo } from '../app-info';
import type { AppManager } from '../apps';
import { excludeIncompatible } from '../compat';
import type { DaemonContext } from '../context';
import { settled } from '../verbs-shared';

/** `clusterctl scale`: the running primary adds or stops workers; a stopped app keeps the new size for its next start. */
export async function scaleApp(manager: AppManager, name: string, target: ScaleTarget): Promise<AppInfo> {
  const { registry, logger } = manager;
  manager.refuseWhileShuttingDown();
  const entry = registry.find(name);
  await excludeIncompatible(manager, [entry], false);
  await registry.exclusive([entry], 'scale', async () => {
    const instances = applyScaleTarget(target, entry.spec.instances, manager.deps.cpus(), entry.name);
    const running = entry.status ? servingWorkers(entry.status.workers).length : 0;
    if (instances === entry.spec.instances && (entry.primary === null || running === instances)) return;
    const spec = { ...entry.spec, instances };
    if (entry.primary) entry.status = settled(await entry.primary.scale(instances));
    entry.spec = spec;
    registry.persist();
    logger.info({ app: entry.name, instances }, 'app scaled');
  });
  return toAppInfo(entry);
}

export function scaleHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo> => {
    const { name, target } = parseWith(daemonParamSchemas.scale, params, 'scale params');
    return scaleApp(ctx.manager, name, target);
  };
}
