import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

export function scaleHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo> => {
    const { name, target } = parseWith(daemonParamSchemas.scale, params, 'scale params');
    return ctx.manager.scale(name, target);
  };
}
