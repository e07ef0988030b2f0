import type { HelloResult } from '../../protocol/api';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import { packageVersion } from '../../protocol/version';
import type { DaemonContext } from '../context';
import { daemonInfo } from './ping';

/** The first exchange: versions both ways, so a CLI can tell the daemon is older than itself. */
export function helloHandler(ctx: DaemonContext) {
  return (params: unknown): HelloResult => {
    const { version } = parseWith(daemonParamSchemas.hello, params, 'hello params');
    return { ...daemonInfo(ctx), versionMismatch: version !== packageVersion() };
  };
}
