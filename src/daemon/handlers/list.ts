import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

/** Answered from memory: the primaries push their status, so `ls` costs no round-trip. */
export function listHandler(ctx: DaemonContext) {
  return (params: unknown): AppInfo[] => {
    parseWith(daemonParamSchemas.list, params, 'list params');
    return ctx.manager.list();
  };
}
