/**
 * Who may ask what, then which route answers. In order: a request whose
 * Origin is not the endpoint's own is refused (403), so no web page the user
 * visits can drive the daemon; a Host that is not the bound address is
 * refused on a loopback endpoint (DNS rebinding); /healthz and /readyz are
 * open; `/` is the dashboard page, which holds no data (it reads the token
 * from location.hash and sends it in a header); everything else needs
 * `Authorization: Bearer <token>` (no cookie is ever read, so a browser
 * never adds credentials on its own); `--read-only` refuses every POST.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleObserve, isPublicPath, pathOf, sendJson, sendText } from '../../observe/http-routes';
import { buildMetrics } from '../../observe/metrics';
import type { MetricFamilyJson, WebConfig } from '../../protocol/api';
import type { DaemonContext } from '../context';
import { handleApi } from './api-routes';
import { dashboardHtml } from './dashboard';
import { bearerMatches, isLoopback } from './web-config';

const METRICS_DEADLINE_MS = 1500;

function hostOf(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'));
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

/** Why the request is refused before any route sees it, or null. */
function refusal(config: WebConfig, req: IncomingMessage): string | null {
  const host = req.headers.host ?? '';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return `cross-origin requests are refused (Origin ${origin})`;
  if (isLoopback(config.host) && !isLoopback(hostOf(host))) return `Host ${host} is not this endpoint`;
  return null;
}

async function userMetrics(ctx: DaemonContext): Promise<MetricFamilyJson[][]> {
  const handles = ctx.manager.list().flatMap((a) => {
    const h = ctx.manager.primaryOf(a.name);
    return h ? [h] : [];
  });
  const answers = await Promise.all(handles.map((h) => h.metrics(METRICS_DEADLINE_MS).catch(() => null)));
  return answers.flatMap((a) => a?.workers ?? []);
}

export async function handleRequest(
  ctx: DaemonContext,
  config: WebConfig,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const refused = refusal(config, req);
  if (refused) {
    sendJson(res, 403, { error: refused });
    return;
  }
  const token = ctx.web.token();
  const authorized = (r: IncomingMessage): boolean => bearerMatches(r.headers.authorization, token);
  const path = pathOf(req);
  const observed = await handleObserve(req, res, {
    apps: () => ctx.manager.list(),
    metrics: async () =>
      buildMetrics({ apps: ctx.manager.list(), process: ctx.metrics, userMetrics: await userMetrics(ctx) }),
    authorize: authorized,
  });
  if (observed || isPublicPath(path)) return;
  if (path === '/' && req.method === 'GET') {
    sendText(res, 200, dashboardHtml(), 'text/html; charset=utf-8');
    return;
  }
  if (!authorized(req)) {
    sendJson(res, 401, { error: 'a token is required: Authorization: Bearer <token> (clusterctl web --token)' });
    return;
  }
  if (req.method === 'POST' && config.readOnly) {
    sendJson(res, 403, { error: 'the endpoint is read-only (clusterctl web --read-only); POST is refused' });
    return;
  }
  if (await handleApi(ctx, req, res)) return;
  sendJson(res, 404, { error: `no route for ${req.method ?? '?'} ${path}` });
}
