import type { CallContext } from '../../protocol/rpc-server';
import { redactAppInfo } from '../../protocol/redact';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';

/**
 * `monit` (and any client) follows the apps from here: every app at once,
 * then again on each change the feed reports, until the caller goes away.
 * Env values are redacted: a watcher shows apps to a person.
 */
export function subscribeHandler(ctx: DaemonContext) {
  return (params: unknown, call: CallContext): Promise<null> => {
    parseWith(daemonParamSchemas.subscribe, params, 'subscribe params');
    const send = (apps: AppInfo[]): void => call.emit('apps', apps.map(redactAppInfo));
    send(ctx.manager.list());
    const off = ctx.feed.subscribe(send);
    return new Promise<null>((resolve) =>
      call.onClose(() => {
        off();
        resolve(null);
      }),
    );
  };
}
