/**
 * The calling side of a socket: used by the CLI to talk to the daemon and by
 * the daemon to talk to each app primary. One connection carries many calls;
 * replies are matched by id, events are handed to the call that asked.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { ClusterctlError, type ErrorCode } from './errors';
import { encodeLine, LineDecoder } from './framing';
import { parseIncoming } from './messages';

export interface CallOptions {
  onEvent?: (event: string, data: unknown) => void;
  /** Reject with E_TIMEOUT after this many ms (no deadline when omitted). */
  timeoutMs?: number;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onEvent?: (event: string, data: unknown) => void;
  timer?: NodeJS.Timeout;
}

export class RpcConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new LineDecoder();
  private closedError: ClusterctlError | null = null;
  private readonly closeListeners: Array<(err: ClusterctlError) => void> = [];

  private constructor(
    private readonly socket: Socket,
    private readonly lostCode: ErrorCode,
    private readonly peer: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      /* 'close' follows and reports it */
    });
    socket.on('close', () => this.handleClose());
  }

  /** Connects to a Unix socket; rejects with `code` if nobody answers. */
  static connect(
    path: string,
    opts: { code?: ErrorCode; peer?: string; timeoutMs?: number } = {},
  ): Promise<RpcConnection> {
    const code = opts.code ?? 'E_DAEMON_UNREACHABLE';
    const peer = opts.peer ?? 'the daemon';
    return new Promise((resolve, reject) => {
      const socket = netConnect({ path });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ClusterctlError(code, `timed out connecting to ${peer} at ${path}`));
      }, opts.timeoutMs ?? 5000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RpcConnection(socket, code, peer));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ClusterctlError(code, `cannot connect to ${peer} at ${path}: ${err.code ?? err.message}`));
      });
    });
  }

  call<R = unknown>(method: string, params: unknown = {}, opts: CallOptions = {}): Promise<R> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const entry: Pending = { method, resolve: resolve as (v: unknown) => void, reject, onEvent: opts.onEvent };
      if (opts.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(
            new ClusterctlError(
              'E_TIMEOUT',
              `${peerTitle(this.peer)} did not answer "${method}" within ${opts.timeoutMs} ms`,
            ),
          );
        }, opts.timeoutMs);
      }
      this.pending.set(id, entry);
      this.socket.write(encodeLine({ id, method, params }));
    });
  }

  onClose(listener: (err: ClusterctlError) => void): void {
    if (this.closedError) listener(this.closedError);
    else this.closeListeners.push(listener);
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  /** Stop this connection from keeping the process alive. */
  unref(): void {
    this.socket.unref();
  }

  private onData(chunk: Buffer): void {
    for (const line of this.decoder.push(chunk)) {
      if (line.kind !== 'message') {
        this.failAll(new ClusterctlError('E_PROTOCOL', `${peerTitle(this.peer)} sent a ${line.kind} line`));
        this.close();
        return;
      }
      const msg = parseIncoming(line.value);
      if (msg.kind === 'invalid') {
        this.failAll(
          new ClusterctlError('E_PROTOCOL', `${peerTitle(this.peer)} sent an invalid message: ${msg.message}`),
        );
        this.close();
        return;
      }
      if (msg.kind === 'event') {
        const p = typeof msg.event.id === 'number' ? this.pending.get(msg.event.id) : undefined;
        p?.onEvent?.(msg.event.event, msg.event.data);
        continue;
      }
      const { reply } = msg;
      if (typeof reply.id !== 'number') {
        // A reply with no id is the peer refusing something we sent as a whole line.
        if (!reply.ok) this.failAll(new ClusterctlError(reply.error.code, reply.error.message));
        continue;
      }
      const p = this.pending.get(reply.id);
      if (!p) continue;
      this.pending.delete(reply.id);
      if (p.timer) clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new ClusterctlError(reply.error.code, reply.error.message));
    }
  }

  private failAll(err: ClusterctlError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private handleClose(): void {
    if (this.closedError) return;
    this.closedError = new ClusterctlError(this.lostCode, `${peerTitle(this.peer)} closed the connection`);
    this.failAll(this.closedError);
    for (const l of this.closeListeners.splice(0)) l(this.closedError);
  }
}

function peerTitle(peer: string): string {
  return peer.charAt(0).toUpperCase() + peer.slice(1);
}

type ApiShape<Api> = { [M in keyof Api]: { params: unknown; result: unknown } };

/** A connection that only lets you call the methods of `Api`, with their types. */
export class TypedRpc<Api extends ApiShape<Api>> {
  constructor(readonly connection: RpcConnection) {}
  call<M extends keyof Api & string>(
    method: M,
    params: Api[M]['params'],
    opts?: CallOptions,
  ): Promise<Api[M]['result']> {
    return this.connection.call<Api[M]['result']>(method, params, opts);
  }
  close(): void {
    this.connection.close();
  }
}
