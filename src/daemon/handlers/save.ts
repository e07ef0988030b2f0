import type { SaveResult } from '../../protocol/api';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import { writeDump } from '../../state/dump';
import type { DaemonContext } from '../context';

/**
 * `clusterctl save`: the specs of every app that should run go to dump.json.
 * Apps stopped on purpose are left out (and named), so `resurrect` brings
 * back what was running, not what someone had switched off. `empty`
 * (`clusterctl cleardump`) writes a dump with no app, on purpose.
 */
export function saveHandler(ctx: DaemonContext) {
  return (params: unknown): SaveResult => {
    const { force, empty } = parseWith(daemonParamSchemas.save, params, 'save params');
    const apps = empty === true ? [] : ctx.manager.list();
    const kept = apps.filter((a) => a.status !== 'stopped' && a.status !== 'stopping');
    const written = writeDump(
      ctx.paths.dumpFile,
      kept.map((a) => a.spec),
      { force: force === true || empty === true },
    );
    const skipped = apps.filter((a) => !kept.includes(a)).map((a) => a.name);
    ctx.logger.info({ path: written.path, saved: written.apps, skipped, backup: written.backup }, 'saved the app list');
    return { path: written.path, backup: written.backup, saved: written.apps, skipped };
  };
}
