/**
 * GET /api/apps/<name>/logs: the last lines of the app's stdout and stderr
 * logs (`?lines=N`, default 100), and with `?follow=1` a Server-Sent Events
 * stream of the lines appended from then on (the files are polled, so a
 * rotation is seen as the file shrinking and read again from its start).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../observe/http-routes';
import type { AppInfo } from '../../protocol/types';

const TAIL_BYTES = 256 * 1024;
const POLL_MS = 300;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readRange(path: string, from: number, to: number): string {
  if (to <= from) return '';
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(to - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function lastLines(path: string, count: number): string[] {
  const size = sizeOf(path);
  const lines = readRange(path, Math.max(0, size - TAIL_BYTES), size).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}

function streams(app: AppInfo): Array<{ stream: 'out' | 'err'; path: string }> {
  const out: Array<{ stream: 'out' | 'err'; path: string }> = [];
  if (app.spec.logs.out !== '/dev/null') out.push({ stream: 'out', path: app.spec.logs.out });
  if (app.spec.logs.err !== '/dev/null' && app.spec.logs.err !== app.spec.logs.out)
    out.push({ stream: 'err', path: app.spec.logs.err });
  return out;
}

function follow(app: AppInfo, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  const files = streams(app).map((f) => ({ ...f, at: sizeOf(f.path) }));
  const timer = setInterval(() => {
    for (const f of files) {
      const size = sizeOf(f.path);
      if (size < f.at) f.at = 0;
      const text = readRange(f.path, f.at, size);
      const end = text.lastIndexOf('\n');
      if (end === -1) continue;
      f.at += Buffer.byteLength(text.slice(0, end + 1));
      for (const line of text.slice(0, end).split('\n'))
        res.write(`event: line\ndata: ${JSON.stringify({ stream: f.stream, line })}\n\n`);
    }
  }, POLL_MS);
  req.on('close', () => clearInterval(timer));
}

export function serveLogs(app: AppInfo, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  if (query.get('follow') === '1') {
    follow(app, req, res);
    return Promise.resolve();
  }
  const count = Math.min(Math.max(Number(query.get('lines') ?? 100) || 100, 1), 10000);
  const body = Object.fromEntries(streams(app).map((f) => [f.stream, lastLines(f.path, count)]));
  sendJson(res, 200, { app: app.name, lines: count, ...body });
  return Promise.resolve();
}
