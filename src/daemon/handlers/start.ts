import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

export function startHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo> => {
    const { spec } = parseWith(daemonParamSchemas.start, params, 'start params');
    return ctx.manager.start(spec);
  };
}
