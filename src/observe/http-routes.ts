/**
 * The observability routes over plain node:http: GET /healthz, /readyz,
 * /readyz/<app> and /metrics. The caller decides who may read /metrics
 * (`authorize`); /healthz and /readyz are open, as probes expect. Shared by
 * the daemon's endpoint and `clusterctl run --http`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppInfo } from '../protocol/types';
import { METRICS_CONTENT_TYPE } from './metrics';
import { readiness } from './readiness';

export interface ObserveSources {
  apps(): AppInfo[];
  /** The /metrics body. */
  metrics(): Promise<string>;
  /** False: /metrics answers 401. Absent: /metrics is open. */
  authorize?(req: IncomingMessage): boolean;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

/** The path of a request without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Whether `path` is one of the routes here that need no token. */
export function isPublicPath(path: string): boolean {
  return path === '/healthz' || path === '/readyz' || path.startsWith('/readyz/');
}

function answerReadiness(res: ServerResponse, apps: AppInfo[], name?: string): void {
  const r = readiness(apps, name);
  if (!r.found) {
    sendJson(res, 404, { error: `no app named ${JSON.stringify(name)}`, ...r.body });
    return;
  }
  sendJson(res, r.ok ? 200 : 503, r.body);
}

/**
 * Answers the request when it is one of these routes and returns true;
 * returns false (nothing written) for any other path.
 */
export async function handleObserve(req: IncomingMessage, res: ServerResponse, src: ObserveSources): Promise<boolean> {
  const path = pathOf(req);
  const known = path === '/healthz' || path === '/metrics' || path === '/readyz' || path.startsWith('/readyz/');
  if (!known) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(res, 405, { error: `${req.method ?? '?'} is not allowed on ${path}; use GET` });
    return true;
  }
  if (path === '/healthz') {
    sendText(res, 200, 'ok\n');
  } else if (path === '/readyz') {
    answerReadiness(res, src.apps());
  } else if (path.startsWith('/readyz/')) {
    answerReadiness(res, src.apps(), decodeURIComponent(path.slice('/readyz/'.length)));
  } else if (src.authorize && !src.authorize(req)) {
    sendJson(res, 401, { error: 'a token is required: Authorization: Bearer <token> (clusterctl web --token)' });
  } else {
    sendText(res, 200, await src.metrics(), METRICS_CONTENT_TYPE);
  }
  return true;
}
