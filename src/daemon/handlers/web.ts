/** `clusterctl web`: the HTTP endpoint's state, its setting, its token. */
import type { WebState } from '../../protocol/api';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { DaemonContext } from '../context';

export function webStatusHandler(ctx: DaemonContext) {
  return (params: unknown): WebState => {
    parseWith(daemonParamSchemas.webStatus, params, 'webStatus params');
    return ctx.web.state();
  };
}

export function webConfigureHandler(ctx: DaemonContext) {
  return (params: unknown): Promise<WebState> => {
    const { config } = parseWith(daemonParamSchemas.webConfigure, params, 'webConfigure params');
    ctx.logger.info({ ...config }, 'web endpoint configured');
    return ctx.web.configure(config);
  };
}

export function webTokenHandler(ctx: DaemonContext) {
  return (params: unknown): { token: string; url: string } => {
    parseWith(daemonParamSchemas.webToken, params, 'webToken params');
    const token = ctx.web.token();
    const { host, port } = ctx.web.current;
    const h = host.includes(':') ? `[${host}]` : host;
    return { token, url: `http://${h}:${String(port)}/#token=${token}` };
  };
}
