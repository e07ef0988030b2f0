/**
 * Loaded into every worker with `--require`, before the user's script (which
 * stays the main module). It does two things an app does not do by itself:
 *
 * 1. Drain on request. When the app primary wants a worker gone (reload,
 *    scale down, stop) it first sends NODE_CLUSTERCTL_DRAIN. The worker stops
 *    accepting connections (the primary routes them to other workers), answers
 *    every in-flight request and the next request on each open keep-alive
 *    connection with `Connection: close`, and closes a connection that stays
 *    idle past a short grace. Only then does it report NODE_CLUSTERCTL_DRAINED
 *    and the primary sends the stop signal. Node 20's http `server.close()`
 *    closes idle keep-alive sockets at once, which races a client reusing one:
 *    that race is the ECONNRESET PM2 users see on every reload, so we close
 *    the listening handle with net.Server's close, which leaves them be.
 * 2. Report listen errors (EADDRINUSE) to the primary, so `ls` can say why a
 *    worker is not online even when the app swallows the error.
 *
 * Messages whose `cmd` starts with NODE_ travel as 'internalMessage', never
 * reach the app's own process.on('message'), and do not keep the IPC channel
 * referenced (so a script that ends on its own still exits).
 */
import * as net from 'node:net';
import * as http from 'node:http';
// Before the app writes anything: no line may wait in the worker's memory when it dies.
import './logs/blocking-stdio';

const IDLE_GRACE_MS = 1000;
const CHECK_EVERY_MS = 25;

interface ConnState {
  socket: net.Socket;
  active: number;
  idleSince: number;
  /** The response being written on this connection, if any. */
  res: http.ServerResponse | null;
}

interface Tracked {
  server: net.Server;
  isHttp: boolean;
  conns: Map<net.Socket, ConnState>;
}

const tracked = new Map<net.Server, Tracked>();
let draining = false;
let drainStartedAt = 0;

type InternalMessage = { cmd?: unknown };
type IpcProcess = NodeJS.Process & {
  on(event: 'internalMessage', listener: (msg: InternalMessage) => void): NodeJS.Process;
};

function sendToPrimary(message: Record<string, unknown>): void {
  if (typeof process.send === 'function' && process.connected) {
    try {
      process.send(message);
    } catch {
      /* channel closing: the primary is going away anyway */
    }
  }
}

function isHttpServer(server: net.Server): boolean {
  return server instanceof http.Server || typeof (server as { closeIdleConnections?: unknown }).closeIdleConnections === 'function';
}

function markClose(res: http.ServerResponse): void {
  if (!res.headersSent) {
    try {
      res.setHeader('connection', 'close');
    } catch {
      /* headers became immutable in between */
    }
  }
}

function track(server: net.Server): void {
  if (tracked.has(server)) return;
  const t: Tracked = { server, isHttp: isHttpServer(server), conns: new Map() };
  tracked.set(server, t);
  // https servers hand requests the TLS socket, which 'secureConnection' gives.
  const connEvent = typeof (server as { addContext?: unknown }).addContext === 'function' ? 'secureConnection' : 'connection';
  server.on(connEvent, (socket: net.Socket) => {
    t.conns.set(socket, { socket, active: 0, idleSince: Date.now(), res: null });
    socket.once('close', () => t.conns.delete(socket));
  });
  if (t.isHttp) {
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const c = t.conns.get(req.socket as net.Socket);
      if (c) {
        c.active++;
        c.res = res;
        res.once('close', () => {
          c.active--;
          c.idleSince = Date.now();
          if (c.res === res) c.res = null;
        });
      }
      if (draining) markClose(res);
    });
  }
  const originalEmit = server.emit;
  // Observe listen errors without adding an 'error' listener, which would
  // change whether the app's unhandled error crashes it.
  server.emit = function emitWithReport(this: net.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error') {
      const err = args[0] as NodeJS.ErrnoException | undefined;
      if (err && (err.syscall === 'listen' || err.code === 'EADDRINUSE' || err.code === 'EACCES')) {
        sendToPrimary({ cmd: 'NODE_CLUSTERCTL_LISTEN_ERROR', message: err.message, code: err.code ?? null });
      }
    }
    return (originalEmit as (this: net.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof server.emit;
}

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenTracked(this: net.Server, ...args: unknown[]) {
  track(this);
  return (originalListen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;

function openConnections(): number {
  let n = 0;
  for (const t of tracked.values()) n += t.conns.size;
  return n;
}

function drain(): void {
  if (draining) return;
  draining = true;
  drainStartedAt = Date.now();
  for (const t of tracked.values()) {
    if (t.server.listening) {
      // net's close, not http's: stop accepting, leave open connections to finish.
      net.Server.prototype.close.call(t.server);
    }
    for (const c of t.conns.values()) if (c.res) markClose(c.res);
  }
  const timer = setInterval(() => {
    const now = Date.now();
    for (const t of tracked.values()) {
      if (!t.isHttp) continue;
      for (const c of t.conns.values()) {
        if (c.active === 0 && now - Math.max(c.idleSince, drainStartedAt) >= IDLE_GRACE_MS) c.socket.end();
      }
    }
    if (openConnections() === 0) {
      clearInterval(timer);
      sendToPrimary({ cmd: 'NODE_CLUSTERCTL_DRAINED' });
    }
  }, CHECK_EVERY_MS);
  timer.unref();
}

(process as IpcProcess).on('internalMessage', (msg: InternalMessage) => {
  if (msg && msg.cmd === 'NODE_CLUSTERCTL_DRAIN') drain();
});
