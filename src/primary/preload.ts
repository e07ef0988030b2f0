/**
 * Loaded into every worker with `--require`, before the user's script (which
 * stays the main module). It does what an app does not do by itself:
 *
 * 1. Drain on request. When the app primary wants a worker gone (reload,
 *    scale down, stop) it first sends NODE_CLUSTERCTL_DRAIN. The worker stops
 *    accepting connections (the primary routes them to other workers), answers
 *    every in-flight request and the next request on each open keep-alive
 *    connection with `Connection: close`, and closes a connection that stays
 *    idle past a short grace. Long-lived connections (upgraded ones such as
 *    WebSockets, and event streams) are left to the app: once only they are
 *    left it reports NODE_CLUSTERCTL_DRAINED and the primary sends the stop
 *    signal, so the app closes them itself (preload-stop.ts keeps an app with
 *    no handler alive meanwhile). Node 20's http `server.close()`
 *    closes idle keep-alive sockets at once, which races a client reusing one:
 *    that race is the ECONNRESET PM2 users see on every reload, so we close
 *    the listening handle with net.Server's close, which leaves them be.
 * 2. Report listen errors (EADDRINUSE) to the primary, so `ls` can say why a
 *    worker is not online even when the app swallows the error.
 * 3. In sticky mode, take the app's listen() over (preload-sticky.ts).
 *
 * Messages whose `cmd` starts with NODE_ travel as 'internalMessage', never
 * reach the app's own process.on('message'), and do not keep the IPC channel
 * referenced (so a script that ends on its own still exits).
 */
import * as net from 'node:net';
import * as http from 'node:http';
// Before the app writes anything: no line may wait in the worker's memory when it dies.
import './logs/blocking-stdio';
import { holdDefaultStop } from './preload-stop';
import { installSticky, stickyListen } from './preload-sticky';

const IDLE_GRACE_MS = 1000;
const CHECK_EVERY_MS = 25;

/**
 * What the hot path pays is one Set insert per connection and nothing per
 * request: whether a connection is busy is read from Node's own
 * `socket._httpMessage` (the response being written on it, null when idle;
 * the property http-terminator and others rely on too), and the per-request
 * bookkeeping starts only once a drain has begun.
 */
interface Tracked {
  server: net.Server;
  isHttp: boolean;
  sockets: Set<net.Socket>;
}

type HttpSocket = net.Socket & { _httpMessage?: http.ServerResponse | null };

const tracked = new Map<net.Server, Tracked>();
let draining = false;
let drainStartedAt = 0;
/** During a drain: when each connection last finished a response. */
const idleSince = new WeakMap<net.Socket, number>();

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
  return (
    server instanceof http.Server ||
    typeof (server as { closeIdleConnections?: unknown }).closeIdleConnections === 'function'
  );
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
  const t: Tracked = { server, isHttp: isHttpServer(server), sockets: new Set() };
  tracked.set(server, t);
  // https servers hand requests the TLS socket, which 'secureConnection' gives.
  const connEvent =
    typeof (server as { addContext?: unknown }).addContext === 'function' ? 'secureConnection' : 'connection';
  // One 'close' handler per server, not a closure and a once() wrapper per
  // connection ('close' is emitted once per socket, so on() is enough). With
  // it the workers cost what a raw cluster's cost per connection, within what
  // the machine resolves (bench/PROFILE.md §6).
  function onClose(this: net.Socket): void {
    t.sockets.delete(this);
  }
  server.on(connEvent, (socket: net.Socket) => {
    t.sockets.add(socket);
    socket.on('close', onClose);
  });
}

const watchingListen = new WeakSet<net.Server>();

/**
 * Observe the outcome of one listen() without adding an 'error' listener
 * (which would change whether the app's unhandled error crashes it): wrap
 * emit until 'listening' or a listen error, then take the wrapper off, so
 * requests never pay for it.
 */
function reportListenErrors(server: net.Server): void {
  if (watchingListen.has(server)) return;
  watchingListen.add(server);
  const hadOwnEmit = Object.prototype.hasOwnProperty.call(server, 'emit');
  // Unbound on purpose: it is put back as it was, and called with the server as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalEmit = server.emit;
  const unwrap = (): void => {
    watchingListen.delete(server);
    // Someone wrapped emit after us: leave theirs (ours stays underneath, harmless).
    if (server.emit !== wrapper) return;
    if (hadOwnEmit) server.emit = originalEmit;
    else delete (server as { emit?: unknown }).emit;
  };
  const wrapper = function emitWithReport(this: net.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'listening') {
      unwrap();
      // Fork mode has no cluster 'listening' event: say it ourselves.
      if (process.env.NODE_UNIQUE_ID === undefined) sendToPrimary({ cmd: 'NODE_CLUSTERCTL_LISTENING' });
    } else if (event === 'error') {
      const err = args[0] as NodeJS.ErrnoException | undefined;
      if (err && (err.syscall === 'listen' || err.code === 'EADDRINUSE' || err.code === 'EACCES')) {
        unwrap();
        sendToPrimary({ cmd: 'NODE_CLUSTERCTL_LISTEN_ERROR', message: err.message, code: err.code ?? null });
      }
    }
    return (originalEmit as (this: net.Server, e: string | symbol, ...a: unknown[]) => boolean).call(
      this,
      event,
      ...args,
    );
  } as typeof server.emit;
  server.emit = wrapper;
}

// Unbound on purpose: the wrapper applies it to each server.
// eslint-disable-next-line @typescript-eslint/unbound-method
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenTracked(this: net.Server, ...args: unknown[]) {
  track(this);
  reportListenErrors(this);
  if (stickyListen(this, args)) return this;
  return (originalListen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;

function openConnections(): number {
  let n = 0;
  for (const t of tracked.values()) n += t.sockets.size;
  return n;
}

/** From now on, note when each response on `socket` ends, and close the connection after it. */
function watchResponse(socket: net.Socket, res: http.ServerResponse): void {
  markClose(res);
  res.once('close', () => idleSince.set(socket, Date.now()));
}

/**
 * A connection the drain leaves to the app: an upgraded one (WebSocket or any
 * `upgrade`: http frees its parser then, see freeParser in Node's
 * _http_common) and one writing a server-sent-events stream. Neither ends by
 * itself, so waiting for them would only hold the stop signal back.
 */
function isLongLived(socket: net.Socket): boolean {
  const s = socket as HttpSocket & { parser?: unknown };
  const res = s._httpMessage;
  if (res) {
    // writeHead(status, headers) bypasses getHeader(); the header block it sent is kept in `_header`.
    const type = res.getHeader('content-type');
    if (typeof type === 'string') return type.toLowerCase().startsWith('text/event-stream');
    const sent = (res as http.ServerResponse & { _header?: unknown })._header;
    return typeof sent === 'string' && /\r\ncontent-type:[ \t]*text\/event-stream/i.test(sent);
  }
  return s.parser === null && !socket.destroyed;
}

function drain(stopSignal: string | null): void {
  if (draining) return;
  draining = true;
  drainStartedAt = Date.now();
  if (stopSignal) holdDefaultStop(stopSignal, openConnections);
  for (const t of tracked.values()) {
    if (t.server.listening) {
      // net's close, not http's: stop accepting, leave open connections to finish.
      net.Server.prototype.close.call(t.server);
    }
    if (!t.isHttp) continue;
    // The next request on every open connection is answered with Connection: close…
    t.server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) =>
      watchResponse(req.socket, res),
    );
    // …and so is every response still being written.
    for (const socket of t.sockets) {
      const res = (socket as HttpSocket)._httpMessage;
      if (res) watchResponse(socket, res);
    }
  }
  const timer = setInterval(() => {
    if (drainStep(Date.now())) {
      clearInterval(timer);
      sendToPrimary({ cmd: 'NODE_CLUSTERCTL_DRAINED' });
    }
  }, CHECK_EVERY_MS);
  timer.unref();
}

/** Ends the idle ordinary connections; true once only long-lived ones (or none) are left. */
function drainStep(now: number): boolean {
  let ordinary = 0;
  for (const t of tracked.values()) {
    for (const socket of t.sockets) {
      if (!t.isHttp) {
        ordinary++;
        continue;
      }
      if (isLongLived(socket)) continue;
      ordinary++;
      const busy = Boolean((socket as HttpSocket)._httpMessage);
      const quietSince = Math.max(idleSince.get(socket) ?? 0, drainStartedAt);
      if (!busy && now - quietSince >= IDLE_GRACE_MS) socket.end();
    }
  }
  return ordinary === 0;
}

installSticky();

(process as IpcProcess).on('internalMessage', (msg: InternalMessage | null) => {
  if (msg?.cmd === 'NODE_CLUSTERCTL_DRAIN') {
    const signal = (msg as { signal?: unknown }).signal;
    drain(typeof signal === 'string' ? signal : null);
  }
});

/**
 * 3. Answer the primary's metrics request (see src/primary/metrics.ts) with
 *    the metrics of the prom-client the app itself loaded, if it loaded one:
 *    found in require.cache, never loaded here (an app without prom-client
 *    answers an empty list and pays nothing).
 */
type PromClient = { register?: { getMetricsAsJSON?: () => Promise<unknown> } };

function appPromClients(): PromClient[] {
  const found: PromClient[] = [];
  for (const [file, mod] of Object.entries(require.cache)) {
    if (mod && /[\\/]node_modules[\\/]prom-client[\\/]index\.js$/.test(file)) found.push(mod.exports as PromClient);
  }
  return found;
}

async function answerMetrics(requestId: unknown): Promise<void> {
  const metrics: unknown[] = [];
  for (const client of appPromClients()) {
    try {
      const json = await client.register?.getMetricsAsJSON?.();
      if (json !== undefined) metrics.push(json);
    } catch {
      /* a collect() callback of the app threw: that registry is left out */
    }
  }
  sendToPrimary({ cmd: 'NODE_CLUSTERCTL_METRICS_RES', type: 'prom-client:getMetricsRes', requestId, metrics });
}

(process as IpcProcess).on('internalMessage', (msg: (InternalMessage & { requestId?: unknown }) | null) => {
  if (msg?.cmd === 'NODE_CLUSTERCTL_METRICS_REQ') void answerMetrics(msg.requestId);
});

// The script starts right after this preload: the primary's min_uptime clock starts now, not at
// fork, so a script that throws on load never counts as online on a slow machine.
sendToPrimary({ cmd: 'NODE_CLUSTERCTL_STARTED' });
