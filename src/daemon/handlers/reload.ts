import type { CallContext } from '../../protocol/rpc-server';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

/** Rolling reload; the primary's progress events are passed on to the caller as they come. */
export function reloadHandler(ctx: DaemonContext) {
  return (params: unknown, call: CallContext): Promise<AppInfo[]> => {
    const { target, options } = parseWith(daemonParamSchemas.reload, params, 'reload params');
    return ctx.manager.reload(target, options, (event) => call.emit('progress', event));
  };
}
