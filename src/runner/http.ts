/**
 * `clusterctl run --http HOST:PORT`: probes and scraping for the container.
 * /healthz answers 200 while run is up (the liveness probe), /readyz 200
 * when every app has a worker online and 503 otherwise (the readiness
 * probe), /metrics the Prometheus text format. The probes need no token (a
 * kubelet sends none); /metrics needs `Authorization: Bearer <token>` when
 * --http-token is given. Bound to a non-loopback address, a token is
 * required: refused at start otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { ClusterctlError } from '../protocol/errors';
import type { AppInfo } from '../protocol/types';
import { metricsText, readiness } from './observe';

export interface HttpOptions {
  host: string;
  port: number;
  token: string | null;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export function parseHttp(raw: string, token: string | undefined): HttpOptions {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new ClusterctlError('E_USAGE', `--http ${JSON.stringify(raw)}: expected HOST:PORT, e.g. 127.0.0.1:9615`);
  const host = m[1].replace(/^\[|\]$/g, '');
  if (token !== undefined && token.length < 16)
    throw new ClusterctlError('E_USAGE', '--http-token: use at least 16 characters');
  if (!isLoopback(host) && token === undefined)
    throw new ClusterctlError(
      'E_USAGE',
      `--http ${raw} is reachable from outside this machine: add --http-token <token> (or bind 127.0.0.1)`,
    );
  return { host, port, token: token ?? null };
}

function answer(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse, opts: HttpOptions, apps: () => AppInfo[]): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') answer(res, 405, 'GET only\n');
  else if (path === '/healthz') answer(res, 200, 'ok\n');
  else if (path === '/readyz') {
    const r = readiness(apps());
    answer(res, r.ready ? 200 : 503, `${r.ready ? 'ready' : 'not ready'}: ${r.detail}\n`);
  } else if (path === '/metrics') {
    if (opts.token !== null && req.headers.authorization !== `Bearer ${opts.token}`)
      answer(res, 401, 'a bearer token is required (--http-token)\n');
    else answer(res, 200, metricsText(apps()), 'text/plain; version=0.0.4; charset=utf-8');
  } else answer(res, 404, 'not found: /healthz, /readyz, /metrics\n');
}

/** Starts the endpoint once the apps are started; resolves with a function that closes it. */
export function serveHttp(opts: HttpOptions): (apps: () => AppInfo[]) => Promise<() => void> {
  return (apps) =>
    new Promise((resolve, reject) => {
      const server = createServer((req, res) => handle(req, res, opts, apps));
      server.once('error', (err) =>
        reject(new ClusterctlError('E_USAGE', `--http ${opts.host}:${opts.port}: ${err.message}`)),
      );
      server.listen(opts.port, opts.host, () => {
        server.unref();
        resolve(() => server.close());
      });
    });
}

export function httpFromFlags(raw: string | undefined, token: string | undefined) {
  if (raw === undefined) {
    if (token !== undefined) throw new ClusterctlError('E_USAGE', '--http-token needs --http HOST:PORT');
    return null;
  }
  return serveHttp(parseHttp(raw, token));
}
