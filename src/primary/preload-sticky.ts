/**
 * Sticky mode, inside a worker (imported by the preload). The app's
 * `server.listen(port)` does not listen: it asks the app primary, which owns
 * the port and hands this worker each connection of the clients it routes
 * here (NODE_CLUSTERCTL_STICKY_CONN, with the socket). The server gets a
 * stand-in handle, so `listening`, `address()` and `close()` behave as after
 * a real listen, and 'listening' is emitted as usual (the primary counts the
 * worker online at the same moment). No app code changes.
 */
import * as http from 'node:http';
import type * as net from 'node:net';

const ENV_FLAG = 'CLUSTERCTL_STICKY';
/** Read once and removed: the app and what it starts never see it. */
const enabled = process.env[ENV_FLAG] === '1';
Reflect.deleteProperty(process.env, ENV_FLAG);

interface Address {
  address: string;
  family: string;
  port: number;
}

type ServerInternals = net.Server & { _handle: unknown; _connections: number };
type SocketInternals = net.Socket & { server?: net.Server; _server?: net.Server | null };

const pending = new Map<string, net.Server>();
const bound = new Map<string, net.Server>();

function send(message: Record<string, unknown>): void {
  if (typeof process.send === 'function' && process.connected) {
    try {
      process.send(message);
    } catch {
      /* channel closing: the worker is going away */
    }
  }
}

function keyOf(port: number, host: string | null): string {
  return `${host ?? ''}:${port}`;
}

/** The port and host of a listen() call on a TCP port, or null (a path, a handle, port 0: listened normally). */
function tcpTarget(args: unknown[]): { port: number; host: string | null } | null {
  const [first, second] = args;
  let port: unknown = first;
  let host: unknown = second;
  if (typeof first === 'object' && first !== null) {
    const o = first as { port?: unknown; host?: unknown; path?: unknown; handle?: unknown; fd?: unknown };
    if (o.path !== undefined || o.handle !== undefined || o.fd !== undefined) return null;
    port = o.port;
    host = o.host;
  }
  const n = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > 65535) return null;
  return { port: n, host: typeof host === 'string' && host !== '' ? host : null };
}

/**
 * Called by the preload's listen wrapper: true when sticky mode took the
 * listen over (the real listen must not run).
 */
export function stickyListen(server: net.Server, args: unknown[]): boolean {
  if (!enabled) return false;
  const target = tcpTarget(args);
  if (!target) return false;
  const key = keyOf(target.port, target.host);
  const cb = args[args.length - 1];
  if (typeof cb === 'function') server.once('listening', cb as () => void);
  pending.set(key, server);
  // Plain HTTP only: with TLS the request line (and socket.io's sid) is encrypted.
  const peek = server instanceof http.Server && typeof (server as { addContext?: unknown }).addContext !== 'function';
  send({ cmd: 'NODE_CLUSTERCTL_STICKY_LISTEN', key, port: target.port, host: target.host, peek });
  return true;
}

function standInHandle(key: string, address: Address): Record<string, unknown> {
  return {
    getsockname(out: Record<string, unknown>): number {
      Object.assign(out, address);
      return 0;
    },
    close(): void {
      bound.delete(key);
      send({ cmd: 'NODE_CLUSTERCTL_STICKY_UNLISTEN', key });
    },
    ref(): void {},
    unref(): void {},
  };
}

function onListening(key: string, address: Address): void {
  const server = pending.get(key) as ServerInternals | undefined;
  if (!server) return;
  pending.delete(key);
  bound.set(key, server);
  server._handle = standInHandle(key, address);
  server.emit('listening');
}

function onListenFailed(key: string, code: string, message: string): void {
  const server = pending.get(key);
  if (!server) return;
  pending.delete(key);
  const err = Object.assign(new Error(message), { code, syscall: 'listen' });
  server.emit('error', err);
}

/** A connection the primary routed here: to the app's server as if it had accepted it. */
function onConnection(key: string, socket: net.Socket | undefined, head: string | null): void {
  if (!socket) return;
  const server = bound.get(key) as ServerInternals | undefined;
  if (!server) {
    socket.destroy();
    return;
  }
  // As net's own accept does: the server counts it until it closes (so close() waits for it).
  server._connections++;
  (socket as SocketInternals).server = server;
  (socket as SocketInternals)._server = server;
  server.emit('connection', socket);
  if (head) socket.emit('data', Buffer.from(head, 'base64'));
  socket.resume();
}

type Internal = { cmd?: unknown; key?: unknown; address?: unknown; code?: unknown; message?: unknown; head?: unknown };

export function installSticky(): void {
  if (!enabled) return;
  const proc = process as NodeJS.Process & {
    on(event: 'internalMessage', l: (msg: Internal | null, handle?: net.Socket) => void): NodeJS.Process;
  };
  proc.on('internalMessage', (msg, handle) => {
    if (!msg || typeof msg.key !== 'string') return;
    if (msg.cmd === 'NODE_CLUSTERCTL_STICKY_CONN')
      onConnection(msg.key, handle, typeof msg.head === 'string' ? msg.head : null);
    else if (msg.cmd === 'NODE_CLUSTERCTL_STICKY_LISTENING') onListening(msg.key, msg.address as Address);
    else if (msg.cmd === 'NODE_CLUSTERCTL_STICKY_LISTEN_FAILED')
      onListenFailed(msg.key, String(msg.code), String(msg.message));
  });
}
