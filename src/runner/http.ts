/**
 * `clusterctl run --http HOST:PORT`: probes and scraping for the container.
 * /healthz answers 200 while run is up (the liveness probe), /readyz 200
 * when every app runs all its instances online and 503 otherwise (the
 * readiness probe), /metrics the Prometheus text format (src/observe, shared
 * with the daemon's endpoint). The probes need no token (a
 * kubelet sends none); /metrics needs `Authorization: Bearer <token>` when
 * --http-token is given. Bound to a non-loopback address, a token is
 * required: refused at start otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { ClusterctlError } from '../protocol/errors';
import type { AppInfo } from '../protocol/types';
import { handleObserve, sendText, type ObserveSources } from '../observe/http-routes';
import { buildMetrics, createProcessMetrics } from '../observe/metrics';

/** run's own CPU, memory and event-loop series, next to the apps'. */
const processMetrics = createProcessMetrics('clusterctl_run_');

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

function handle(req: IncomingMessage, res: ServerResponse, opts: HttpOptions, apps: () => AppInfo[]): void {
  const sources: ObserveSources = {
    apps,
    metrics: () => buildMetrics({ apps: apps(), process: processMetrics }),
    ...(opts.token === null
      ? {}
      : { authorize: (r: IncomingMessage) => r.headers.authorization === `Bearer ${opts.token}` }),
  };
  handleObserve(req, res, sources).then(
    (answered) => {
      if (!answered) sendText(res, 404, 'not found: /healthz, /readyz, /readyz/<app>, /metrics\n');
    },
    (err: unknown) => sendText(res, 500, `${err instanceof Error ? err.message : String(err)}\n`),
  );
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
