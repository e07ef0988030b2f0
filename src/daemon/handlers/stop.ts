import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

export function stopHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo[]> => {
    const { target } = parseWith(daemonParamSchemas.stop, params, 'stop params');
    return ctx.manager.stop(target);
  };
}
