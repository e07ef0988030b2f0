/** The daemon's method table: one handler per DaemonApi method. */
import type { DaemonMethod } from '../../protocol/api';
import type { Handler } from '../../protocol/rpc-server';
import type { DaemonContext } from '../context';
import { deleteHandler } from './delete';
import { describeHandler } from './describe';
import { helloHandler } from './hello';
import { flushHandler } from './flush';
import { killHandler } from './kill';
import { listHandler } from './list';
import { pingHandler } from './ping';
import { reloadHandler } from './reload';
import { reloadLogsHandler } from './reload-logs';
import { restartHandler } from './restart';
import { resurrectHandler } from './resurrect';
import { saveHandler } from './save';
import { resumeHandler } from './resume';
import { scaleHandler } from './scale';
import { startHandler } from './start';
import { stopHandler } from './stop';
import { webConfigureHandler, webStatusHandler, webTokenHandler } from './web';
import { subscribeHandler } from './subscribe';
import { envHandler } from './env';
import { resetHandler } from './reset';
import { sendSignalHandler } from './send-signal';

export function daemonHandlers(ctx: DaemonContext): Record<DaemonMethod, Handler> {
  return {
    hello: helloHandler(ctx),
    ping: pingHandler(ctx),
    list: listHandler(ctx),
    describe: describeHandler(ctx),
    start: startHandler(ctx),
    resume: resumeHandler(ctx),
    stop: stopHandler(ctx),
    restart: restartHandler(ctx),
    delete: deleteHandler(ctx),
    scale: scaleHandler(ctx),
    reload: reloadHandler(ctx),
    kill: killHandler(ctx),
    flush: flushHandler(ctx),
    reloadLogs: reloadLogsHandler(ctx),
    save: saveHandler(ctx),
    resurrect: resurrectHandler(ctx),
    webStatus: webStatusHandler(ctx),
    webConfigure: webConfigureHandler(ctx),
    webToken: webTokenHandler(ctx),
    subscribe: subscribeHandler(ctx),
    reset: resetHandler(ctx),
    sendSignal: sendSignalHandler(ctx),
    env: envHandler(ctx),
  };
}
