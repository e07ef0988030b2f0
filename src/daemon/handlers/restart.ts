import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

export function restartHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo[]> => {
    const { target, options } = parseWith(daemonParamSchemas.restart, params, 'restart params');
    return ctx.manager.restart(target, options);
  };
}
