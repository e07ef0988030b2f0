import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

export function resumeHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<AppInfo[]> => {
    const { target } = parseWith(daemonParamSchemas.resume, params, 'resume params');
    return ctx.manager.resume(target);
  };
}
