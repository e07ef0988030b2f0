import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonContext } from '../context';

export function deleteHandler(ctx: DaemonContext) {
  return async (params: unknown): Promise<{ deleted: string[] }> => {
    const { target } = parseWith(daemonParamSchemas.delete, params, 'delete params');
    return { deleted: await ctx.manager.delete(target) };
  };
}
