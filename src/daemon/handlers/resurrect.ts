import type { ResurrectResult } from '../../protocol/api';
import { toErrorPayload } from '../../protocol/errors';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import { readDump } from '../../state/dump';
import type { DaemonContext } from '../context';
import { startApp } from './start';

/**
 * `clusterctl resurrect`: start the saved apps that are not registered, in
 * parallel (each on its own primary, so one that fails does not hold up the
 * others). The dump is read and validated in full first: with both the dump
 * and its backup broken, readDump throws E_DUMP and nothing is started.
 */
export function resurrectHandler(ctx: DaemonContext) {
  return async (params: unknown): Promise<ResurrectResult> => {
    parseWith(daemonParamSchemas.resurrect, params, 'resurrect params');
    const { dump, path, source, fallbackReason } = readDump(ctx.paths.dumpFile);
    if (fallbackReason !== null) ctx.logger.warn({ path, why: fallbackReason }, 'resurrecting from the backup dump');
    const registered = new Map(ctx.manager.list().map((a) => [a.name, a]));
    const skipped: ResurrectResult['skipped'] = [];
    const toStart = dump.apps.filter((spec) => {
      const app = registered.get(spec.name);
      if (!app) return true;
      skipped.push({
        name: spec.name,
        reason: app.status === 'stopped' ? 'already registered, stopped' : `already registered (${app.status})`,
      });
      return false;
    });
    const results = await Promise.allSettled(toStart.map((spec) => startApp(ctx.manager, spec)));
    const started: AppInfo[] = [];
    const failed: ResurrectResult['failed'] = [];
    results.forEach((r, i) => {
      const name = toStart[i]?.name ?? '?';
      if (r.status === 'fulfilled') started.push(r.value);
      else failed.push({ name, error: toErrorPayload(r.reason) });
    });
    ctx.logger.info(
      { path, started: started.map((a) => a.name), skipped, failed: failed.map((f) => f.name) },
      'resurrected',
    );
    return { path, source, fallbackReason, savedAt: dump.savedAt, started, skipped, failed };
  };
}
