/** `clusterctl env <name> [--instance N]`: the environment the primary gives that worker. */
import type { WorkerEnvResult } from '../../protocol/api';
import { ClusterctlError } from '../../protocol/errors';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonContext } from '../context';

export function envHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<WorkerEnvResult> => {
    const { name, instance } = parseWith(daemonParamSchemas.env, params, 'env params');
    const primary = ctx.manager.primaryOf(name);
    if (!primary)
      throw new ClusterctlError('E_USAGE', `${name} is not running; \`clusterctl describe ${name}\` shows its spec`);
    return primary.env(instance ?? 0);
  };
}
