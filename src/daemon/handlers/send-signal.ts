/** `clusterctl send-signal <SIGNAL> <name> [--instance N]`: the primary delivers it to the workers. */
import type { SignalResult } from '../../protocol/api';
import { ClusterctlError } from '../../protocol/errors';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonContext } from '../context';

export function sendSignalHandler(ctx: DaemonContext) {
  return async (params: unknown): Promise<SignalResult> => {
    const { name, signal, instance } = parseWith(daemonParamSchemas.sendSignal, params, 'send-signal params');
    const primary = ctx.manager.primaryOf(name);
    if (!primary) throw new ClusterctlError('E_USAGE', `${name} is not running: there is no worker to signal`);
    const result = await primary.signal(signal, instance ?? null);
    ctx.logger.info({ app: name, signal, instance: instance ?? 'all' }, 'signal sent');
    return result;
  };
}
