/**
 * /api: the apps as `ls --json` / `describe --json` show them (env values
 * redacted), the verbs as POSTs, status changes as Server-Sent Events from
 * the daemon's ChangeFeed, and an app's log tail (./log-tail).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathOf, sendJson } from '../../observe/http-routes';
import type { ScaleTarget } from '../../protocol/api';
import { ClusterctlError, type ErrorCode } from '../../protocol/errors';
import { redactAppInfo } from '../../protocol/redact';
import type { AppInfo } from '../../protocol/types';
import type { DaemonContext } from '../context';
import { recordReload } from '../reload-metrics';
import { reloadApps } from '../handlers/reload';
import { restartApps } from '../handlers/restart';
import { resumeApps } from '../handlers/resume';
import { scaleApp } from '../handlers/scale';
import { stopApps } from '../handlers/stop';
import { serveLogs } from './log-tail';

const MAX_BODY = 4096;

/** What /api/events sends as `event: clock` before every `event: apps`. */
export interface ClockEvent {
  /** The daemon's Date.now(), the clock every `restartAt` is on. */
  now: number;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  E_APP_NOT_FOUND: 404,
  E_BUSY: 409,
  E_USAGE: 400,
  E_BAD_SPEC: 400,
  E_TIMEOUT: 504,
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > MAX_BODY) {
        reject(new ClusterctlError('E_USAGE', `the request body is over ${String(MAX_BODY)} bytes`));
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** `{"instances": 3}`, `{"instances": "+1"}` / `"-1"`, or `"+1"` alone. */
export function scaleTargetOf(body: string): ScaleTarget {
  let v: unknown;
  try {
    v = JSON.parse(body || 'null');
  } catch {
    throw new ClusterctlError('E_USAGE', 'the scale body is not JSON; send {"instances": N} or "+1"');
  }
  const raw = typeof v === 'object' && v !== null ? (v as { instances?: unknown }).instances : v;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1) return { mode: 'absolute', value: raw };
  if (typeof raw === 'string' && /^[+-]\d+$/.test(raw)) return { mode: 'relative', value: Number(raw) };
  if (raw === 'max') return { mode: 'max' };
  throw new ClusterctlError('E_USAGE', 'scale needs {"instances": N} (N >= 1), "+N", "-N" or "max"');
}

async function act(ctx: DaemonContext, name: string, action: string, req: IncomingMessage): Promise<unknown> {
  const m = ctx.manager;
  m.describe(name);
  switch (action) {
    case 'reload': {
      const started = process.hrtime.bigint();
      const apps = await reloadApps(m, name);
      recordReload(ctx.metrics, apps, started);
      return apps.map(redactAppInfo);
    }
    case 'restart':
      return (await restartApps(m, name)).map(redactAppInfo);
    case 'stop':
      return (await stopApps(m, name)).map(redactAppInfo);
    case 'start':
      return (await resumeApps(m, name)).map(redactAppInfo);
    case 'scale':
      return redactAppInfo(await scaleApp(m, name, scaleTargetOf(await readBody(req))));
    default:
      throw new ClusterctlError(
        'E_USAGE',
        `unknown action ${JSON.stringify(action)}: reload, restart, stop, start, scale`,
      );
  }
}

function serveEvents(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  const send = (apps: AppInfo[]): void => {
    // The daemon's time first, in the same write: the dashboard counts restarts down from `restartAt`
    // on this clock, since the browser's may be another machine's and wrong.
    const clock: ClockEvent = { now: Date.now() };
    res.write(
      `event: clock\ndata: ${JSON.stringify(clock)}\n\n` +
        `event: apps\ndata: ${JSON.stringify(apps.map(redactAppInfo))}\n\n`,
    );
  };
  send(ctx.manager.list());
  const off = ctx.feed.subscribe(send);
  // Samples arrive about once a second without a status change; a heartbeat keeps proxies from closing the stream.
  const beat = setInterval(() => send(ctx.manager.list()), 2000);
  req.on('close', () => {
    off();
    clearInterval(beat);
  });
}

async function route(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<boolean> {
  const get = req.method === 'GET';
  const [, , name, action] = parts;
  if (get && parts.length === 2 && parts[1] === 'apps') sendJson(res, 200, ctx.manager.list().map(redactAppInfo));
  else if (get && parts.length === 2 && parts[1] === 'events') serveEvents(ctx, req, res);
  else if (get && parts.length === 3 && name) sendJson(res, 200, redactAppInfo(ctx.manager.describe(name)));
  else if (get && parts.length === 4 && name && action === 'logs')
    await serveLogs(ctx.manager.describe(name), req, res);
  else if (req.method === 'POST' && parts.length === 4 && name && action)
    sendJson(res, 200, await act(ctx, name, action, req));
  else return false;
  return true;
}

/** Answers /api/… and returns true, or returns false for any other path. */
export async function handleApi(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const parts = pathOf(req).split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'api' || (parts.length > 2 && parts[1] !== 'apps')) return false;
  try {
    return await route(ctx, req, res, parts);
  } catch (err) {
    if (!(err instanceof ClusterctlError)) throw err;
    sendJson(res, HTTP_STATUS[err.code] ?? 500, { error: err.message, code: err.code });
    return true;
  }
}
