import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

export function describeHandler(ctx: DaemonContext) {
  return (params: unknown): AppInfo => {
    const { name } = parseWith(daemonParamSchemas.describe, params, 'describe params');
    return ctx.manager.describe(name);
  };
}
