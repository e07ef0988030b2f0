import { diffSpecs, onlyNamespaceChanged } from '../../config/apply/diff';
import type { ProgressEvent, ReloadOptions } from '../../protocol/api';
import { shellName } from '../../protocol/app-name';
import { ClusterctlError } from '../../protocol/errors';
import type { CallContext } from '../../protocol/rpc-server';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo, AppSpec } from '../../protocol/types';
import { toAppInfo } from '../app-info';
import type { AppManager } from '../apps';
import { excludeIncompatible } from '../compat';
import type { DaemonContext } from '../context';
import type { AppEntry } from '../registry';
import { recordReload } from '../reload-metrics';
import { forTarget, refuseSpreadSpec, settled, withOverrides } from '../verbs-shared';

/** `apply` changing only an app's namespace: stored, no worker replaced (config/apply/diff). */
function renamespaced(entry: AppEntry, spec: AppSpec): boolean {
  if (spec.instances !== entry.spec.instances || !onlyNamespaceChanged(diffSpecs(entry.spec, spec))) return false;
  entry.spec = { ...entry.spec, namespace: spec.namespace };
  return true;
}

/** Rolling reload, one app at a time; an app with no primary is started with the spec. */
export async function reloadApps(
  manager: AppManager,
  target: string,
  options: ReloadOptions = {},
  onProgress?: (event: ProgressEvent) => void,
): Promise<AppInfo[]> {
  const { registry, logger } = manager;
  manager.refuseWhileShuttingDown();
  const listed = registry.resolve(target);
  // Decided with the lookup, before any await: a delete meanwhile must not turn a name into a set.
  const isSet = registry.isSet(target);
  const entries = forTarget(await excludeIncompatible(manager, listed, isSet), isSet);
  const parallel = options.parallel ?? 1;
  const newSpec = options.spec;
  refuseSpreadSpec('reload', entries, target, newSpec);
  await registry.exclusive(entries, 'reload', async () => {
    // One app at a time: a reload briefly runs extra workers, and `reload all` should not double the machine's load.
    for (const entry of entries) {
      const spec = newSpec ?? withOverrides(entry.spec, options);
      const handle = entry.primary;
      if (handle && newSpec && renamespaced(entry, newSpec)) {
        registry.persist();
        logger.info({ app: entry.name, namespace: newSpec.namespace }, 'app namespace changed, workers kept');
        continue;
      }
      if (handle && handle.group !== spec.primaryGroup) {
        // A rolling reload replaces workers inside one process; moving the app into or out of a group's host is another process.
        const to =
          spec.primaryGroup === null ? '--no-primary-group' : `--primary-group ${shellName(spec.primaryGroup)}`;
        throw new ClusterctlError(
          'E_USAGE',
          `a reload cannot move ${entry.name} to another primary process; use \`clusterctl restart ${shellName(entry.name)} ${to}\``,
        );
      }
      if (handle && spec.execMode === 'cluster' && spec.scheduling !== entry.spec.scheduling) {
        // node:cluster reads the policy once, when the primary first listens: the reloaded workers would keep the old one.
        throw new ClusterctlError(
          'E_USAGE',
          `a reload keeps the primary of ${entry.name}, and with it its scheduling; use \`clusterctl restart ${shellName(entry.name)} --scheduling ${spec.scheduling}\``,
        );
      }
      if (handle) {
        entry.status = settled(await handle.reload(spec, parallel, onProgress));
        entry.spec = spec;
      } else {
        await manager.startAgain(entry, spec);
      }
      registry.persist();
      logger.info({ app: entry.name, parallel }, 'app reloaded');
    }
  });
  // Built once the operation has released the apps, so they do not read as still busy.
  return listed.map(toAppInfo);
}

/** The primary's progress events are passed on to the caller as they come. */
export function reloadHandler(ctx: DaemonContext) {
  return async (params: unknown, call: CallContext): Promise<AppInfo[]> => {
    const { target, options } = parseWith(daemonParamSchemas.reload, params, 'reload params');
    const started = process.hrtime.bigint();
    const apps = await reloadApps(ctx.manager, target, options, (event) => call.emit('progress', event));
    recordReload(ctx.metrics, apps, started);
    return apps;
  };
}
