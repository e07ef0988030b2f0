/**
 * Readiness probes, for processes that cannot `process.send('ready')` (a
 * Python server, `npm start`): an HTTP GET answered 200–399, a TCP port that
 * accepts a connection, or a line of the process's output that contains a
 * text. Polled until it passes or the caller stops it; the caller's listen
 * timeout bounds the wait.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { ManagedProcess } from '../process/managed-process';

export type ProbeSpec =
  | { kind: 'http'; url: string; describe: string }
  | { kind: 'tcp'; port: number; describe: string }
  | { kind: 'log'; text: string; describe: string };

const POLL_EVERY_MS = 200;
const ATTEMPT_TIMEOUT_MS = 1000;

/** The probe an app's readiness settings name, or null when it has none. */
export function probeOf(spec: {
  readyUrl: string | null;
  readyPort: number | null;
  readyLog: string | null;
}): ProbeSpec | null {
  if (spec.readyUrl !== null) return { kind: 'http', url: spec.readyUrl, describe: `GET ${spec.readyUrl}` };
  if (spec.readyPort !== null)
    return { kind: 'tcp', port: spec.readyPort, describe: `TCP connect to 127.0.0.1:${spec.readyPort}` };
  if (spec.readyLog !== null)
    return { kind: 'log', text: spec.readyLog, describe: `a log line containing "${spec.readyLog}"` };
  return null;
}

/** Starts probing `proc`; calls `passed` once. Returns the way to stop probing. */
export function startProbe(proc: ManagedProcess, probe: ProbeSpec, passed: () => void): () => void {
  if (probe.kind === 'log') return watchOutput(proc, probe.text, passed);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const attempt = probe.kind === 'http' ? () => httpOk(probe.url) : () => tcpOpen(probe.port);
  const loop = (): void => {
    timer = null;
    void attempt().then((ok) => {
      if (stopped) return;
      if (ok) {
        stopped = true;
        passed();
      } else timer = setTimeout(loop, POLL_EVERY_MS);
    });
  };
  timer = setTimeout(loop, POLL_EVERY_MS);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: ATTEMPT_TIMEOUT_MS, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: ATTEMPT_TIMEOUT_MS });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Passes when either stream carries `text` (a chunk boundary may split it: keep a tail). */
function watchOutput(proc: ManagedProcess, text: string, passed: () => void): () => void {
  const offs: Array<() => void> = [];
  let done = false;
  for (const stream of [proc.stdout, proc.stderr]) {
    if (!stream) continue;
    let tail = '';
    const onData = (chunk: Buffer | string): void => {
      if (done) return;
      const seen = tail + chunk.toString();
      if (seen.includes(text)) {
        done = true;
        passed();
        return;
      }
      tail = seen.slice(-text.length);
    };
    stream.on('data', onData);
    offs.push(() => stream.off('data', onData));
  }
  return () => {
    for (const off of offs) off();
  };
}
