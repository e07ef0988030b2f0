import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonInfo } from '../../protocol/types';
import { PROTOCOL_VERSION, packageVersion } from '../../protocol/version';
import type { DaemonContext } from '../context';

export function daemonInfo(ctx: DaemonContext): DaemonInfo {
  return {
    pid: process.pid,
    version: packageVersion(),
    protocol: PROTOCOL_VERSION,
    uptime: Date.now() - ctx.startedAt,
    home: ctx.paths.home,
  };
}

export function pingHandler(ctx: DaemonContext) {
  return (params: unknown): DaemonInfo => {
    parseWith(daemonParamSchemas.ping, params, 'ping params');
    return daemonInfo(ctx);
  };
}
