import type { CallContext } from '../../protocol/rpc-server';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonContext } from '../context';

/** Stops every app gracefully, replies, then the daemon exits and removes its socket. */
export function killHandler(ctx: DaemonContext) {
  return async (params: unknown, call: CallContext): Promise<{ stopped: string[] }> => {
    parseWith(daemonParamSchemas.kill, params, 'kill params');
    ctx.logger.info('kill requested');
    const stopped = await ctx.manager.killAll();
    // Exit once the reply is handed to the kernel, so the CLI always reads it.
    call.afterReply(() => ctx.exit('kill'));
    return { stopped };
  };
}
