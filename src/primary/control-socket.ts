/**
 * The control socket of a primary process, as an app's primary
 * (hosted-app.ts) and a group's host (group-host.ts) both open theirs: the
 * lock first, then the socket file, serving an RPC table on it. The lock is
 * an abstract socket: the kernel drops it when its holder dies, so a crashed
 * primary never leaves a stale lock, and whoever holds it may remove the
 * socket file it finds (a dead holder's).
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createRpcServer, type Handlers } from '../protocol/rpc-server';
import type { Logger } from './app';

/** The lock is held by another process: another primary already runs the app (or another host the group). */
export class AlreadyRunning extends Error {}

export interface ControlSocketOptions {
  /** The abstract socket name that is the lock. */
  lockName: string;
  socketPath: string;
  handlers: Handlers;
  /** Where a failing handler and a peer's protocol error are written. */
  log: Logger;
  /** AlreadyRunning's message when another process holds the lock. */
  heldMessage: string;
}

export class ControlSocket {
  private lock: Server | null = null;
  private server: Server | null = null;
  private readonly connections = new Set<Socket>();
  /** Set once the lock is ours: before that (or after a refused open) the socket file is another's. */
  private holding = false;

  constructor(private readonly opts: ControlSocketOptions) {}

  /** Takes the lock, removes a dead holder's socket file, listens (mode 0600). Rejects with AlreadyRunning. */
  open(): Promise<void> {
    const { lockName, socketPath, log } = this.opts;
    return new Promise((resolve, reject) => {
      const lock = createServer();
      this.lock = lock;
      lock.once('error', (err: NodeJS.ErrnoException) => {
        this.lock = null;
        reject(err.code === 'EADDRINUSE' ? new AlreadyRunning(this.opts.heldMessage) : err);
      });
      lock.listen(lockName, () => {
        this.holding = true;
        this.removeSocketFile();
        const server = createRpcServer(this.opts.handlers, {
          onInternalError: (method, err) =>
            log.error('handler failed', { method, err: err instanceof Error ? err.stack : String(err) }),
          onProtocolError: (message) => log.warn('protocol error', { message }),
        });
        this.server = server;
        server.on('connection', (socket: Socket) => {
          this.connections.add(socket);
          socket.once('close', () => this.connections.delete(socket));
        });
        server.once('error', reject);
        server.listen(socketPath, () => {
          chmodSync(socketPath, 0o600);
          resolve();
        });
      });
    });
  }

  /** No more calls (open connections ended), our socket file removed, the lock released. Idempotent. */
  close(): void {
    this.server?.close();
    for (const socket of this.connections) socket.destroy();
    this.removeSocketFile();
    this.lock?.close();
    this.lock = null;
    this.holding = false;
  }

  /** Only while we hold the lock: any socket file at our path is then a dead holder's (or ours). */
  private removeSocketFile(): void {
    if (!this.holding) return;
    try {
      unlinkSync(this.opts.socketPath);
    } catch {
      /* none */
    }
  }
}
