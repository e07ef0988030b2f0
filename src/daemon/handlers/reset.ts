/**
 * `clusterctl reset <name|all>`: restart counters back to 0. The count shown
 * is what earlier primaries counted (the entry's offsets) plus what the
 * running primary counts; the offsets are set so the sum is 0 now, and the
 * running primary's later restarts count up from there.
 */
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import { servingWorkers } from '../../protocol/workers';
import { toAppInfo } from '../app-info';
import type { DaemonContext } from '../context';

export function resetHandler(ctx: DaemonContext) {
  return (params: unknown): AppInfo[] => {
    const { target } = parseWith(daemonParamSchemas.reset, params, 'reset params');
    const { registry, logger } = ctx.manager;
    const entries = registry.resolve(target);
    for (const entry of entries) {
      const offsets: Record<string, number> = {};
      const live = entry.primary && !entry.primary.isGone ? entry.status : null;
      for (const w of servingWorkers(live?.workers ?? [])) offsets[String(w.instance)] = -w.restarts;
      entry.restartOffsets = offsets;
      logger.info({ app: entry.name }, 'restart counters reset');
    }
    registry.persist();
    return entries.map(toAppInfo);
  };
}
