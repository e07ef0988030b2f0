import type { HelloResult } from '../../protocol/api';
import { isRecord } from '../../protocol/messages';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import { checkProtocol, packageVersion } from '../../protocol/version';
import type { DaemonContext } from '../context';
import { daemonInfo } from './ping';

/**
 * The first exchange: versions both ways. A client of another protocol is
 * refused before anything else is read, since the rest of its hello may
 * have another shape too; one of another package version only gets told.
 */
export function helloHandler(ctx: DaemonContext) {
  return (params: unknown): HelloResult => {
    if (isRecord(params) && typeof params.protocol === 'number')
      checkProtocol(params.protocol, 'this CLI', params.version, 'the daemon');
    const { version } = parseWith(daemonParamSchemas.hello, params, 'hello params');
    return { ...daemonInfo(ctx), versionMismatch: version !== packageVersion() };
  };
}
