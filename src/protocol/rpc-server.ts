/**
 * The answering side of a socket: the daemon's RPC server and each app
 * primary's control server. It frames, checks the envelope, dispatches to a
 * handler and never lets a bad line or a throwing handler take it down.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { ClusterctlError, toErrorPayload } from './errors';
import { encodeLine, LineDecoder, MAX_LINE_BYTES, type DecodedLine } from './framing';
import { parseRequest, type RequestId } from './messages';

export interface CallContext {
  /** Send an event line for this call. Ignored once the client has gone. */
  emit(event: string, data: unknown): void;
  /** True once the client has disconnected. */
  readonly closed: boolean;
  /** Called once when the client disconnects. */
  onClose(listener: () => void): void;
  /** Run `fn` once this call's reply has been handed to the kernel (e.g. to exit after replying). */
  afterReply(fn: () => void): void;
}

export type Handler = (params: unknown, ctx: CallContext) => unknown;
export type Handlers = Record<string, Handler>;

export interface RpcServerOptions {
  /** Called with every error a handler threw that was not a ClusterctlError. */
  onInternalError?: (method: string, err: unknown) => void;
  onProtocolError?: (message: string) => void;
}

export function createRpcServer(handlers: Handlers, opts: RpcServerOptions = {}): Server {
  return createServer((socket) => serveConnection(socket, handlers, opts));
}

function serveConnection(socket: Socket, handlers: Handlers, opts: RpcServerOptions): void {
  const decoder = new LineDecoder(MAX_LINE_BYTES);
  let closed = false;
  const closeListeners: Array<() => void> = [];
  const send = (message: unknown, written?: () => void): void => {
    if (!closed && !socket.destroyed) socket.write(encodeLine(message), () => written?.());
    else written?.();
  };
  socket.on('error', () => {
    /* the client went away; 'close' follows */
  });
  socket.on('close', () => {
    closed = true;
    for (const l of closeListeners.splice(0)) {
      try {
        l();
      } catch {
        /* a listener failing must not affect other connections */
      }
    }
  });
  const ctx: Omit<CallContext, 'emit' | 'afterReply'> = {
    get closed() {
      return closed;
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
  socket.on('data', (chunk: Buffer) => {
    for (const line of decoder.push(chunk)) {
      const request = requestOf(line, send, opts);
      if (request) void dispatch(request, { handlers, opts, send, ctx });
    }
  });
}

type Send = (message: unknown, written?: () => void) => void;

/** The request a line carries, or null once the line was refused with an E_PROTOCOL reply. */
function requestOf(
  line: DecodedLine,
  send: Send,
  opts: RpcServerOptions,
): { id: RequestId; method: string; params: unknown } | null {
  if (line.kind === 'oversized') {
    opts.onProtocolError?.(`refused a ${line.bytes}-byte line`);
    send({
      id: null,
      ok: false,
      error: { code: 'E_PROTOCOL', message: `line too long: ${line.bytes} bytes (limit ${MAX_LINE_BYTES})` },
    });
    return null;
  }
  if (line.kind === 'malformed') {
    opts.onProtocolError?.(`malformed line: ${line.reason}`);
    send({ id: null, ok: false, error: { code: 'E_PROTOCOL', message: `malformed JSON: ${line.reason}` } });
    return null;
  }
  const parsed = parseRequest(line.value);
  if (!parsed.ok) {
    send({ id: parsed.id, ok: false, error: { code: 'E_PROTOCOL', message: parsed.message } });
    return null;
  }
  return parsed.request;
}

interface Connection {
  handlers: Handlers;
  opts: RpcServerOptions;
  send: Send;
  ctx: Omit<CallContext, 'emit' | 'afterReply'>;
}

/** Runs the method's handler and sends its result or its error; unknown methods get E_UNKNOWN_METHOD. */
async function dispatch(
  request: { id: RequestId; method: string; params: unknown },
  { handlers, opts, send, ctx }: Connection,
): Promise<void> {
  const { id, method, params } = request;
  const handler = Object.prototype.hasOwnProperty.call(handlers, method) ? handlers[method] : undefined;
  if (!handler) {
    send({ id, ok: false, error: { code: 'E_UNKNOWN_METHOD', message: `unknown method "${method}"` } });
    return;
  }
  const after: Array<() => void> = [];
  const runAfter = (): void => {
    for (const fn of after.splice(0)) fn();
  };
  const callCtx: CallContext = {
    emit: (event, data) => send({ id, event, data }),
    afterReply: (fn) => void after.push(fn),
    get closed() {
      return ctx.closed;
    },
    onClose: (l) => ctx.onClose(l),
  };
  try {
    const result = await handler(params, callCtx);
    send({ id, ok: true, result: result === undefined ? null : result }, runAfter);
  } catch (err) {
    if (!(err instanceof ClusterctlError)) opts.onInternalError?.(method, err);
    send({ id, ok: false, error: toErrorPayload(err) }, runAfter);
  }
}
