/**
 * Sticky mode, in the app primary: it owns each port the workers ask for
 * (their `listen()` is taken over by preload-sticky.ts), accepts every
 * connection paused, picks a worker (pick.ts: socket.io's `sid` when it has
 * been seen, else the client's address) and hands the socket over IPC. A
 * worker being drained gets no new connection from the moment its drain is
 * asked for; IPC keeps order, so a connection sent before that reaches it
 * before the drain does.
 */
import type { Worker } from 'node:cluster';
import * as net from 'node:net';
import { instanceFor, sidOf } from './pick';

/** How long to wait for a plain HTTP client's first bytes before routing it by address alone. */
const PEEK_TIMEOUT_MS = 1000;
/** Remembered socket.io sessions; the oldest are forgotten past this. */
const MAX_SIDS = 10000;

interface Member {
  worker: Worker;
  instance: number;
  seq: number;
  keys: Set<string>;
  accepting: boolean;
}

interface Listener {
  server: net.Server;
  peek: boolean;
  address: net.AddressInfo | null;
  waiting: Array<(err: NodeJS.ErrnoException | null) => void>;
}

type ListenRequest = { cmd?: unknown; key?: unknown; port?: unknown; host?: unknown; peek?: unknown };

export class StickyRouter {
  private readonly listeners = new Map<string, Listener>();
  private readonly members = new Map<Worker, Member>();
  private readonly sids = new Map<string, Member>();
  private seq = 0;

  /** Serves `worker`'s listen requests from now on; forgets it when it exits. */
  attach(worker: Worker, instance: number): void {
    const member: Member = { worker, instance, seq: ++this.seq, keys: new Set(), accepting: true };
    this.members.set(worker, member);
    worker.process.on('internalMessage', (msg: ListenRequest | null) => {
      if (!msg || typeof msg.key !== 'string') return;
      if (msg.cmd === 'NODE_CLUSTERCTL_STICKY_LISTEN') this.onListen(member, msg.key, msg);
      else if (msg.cmd === 'NODE_CLUSTERCTL_STICKY_UNLISTEN') member.keys.delete(msg.key);
    });
    worker.once('exit', () => this.retire(worker, true));
  }

  /** No new connection goes to `worker` (its drain begins, or it exited). */
  retire(worker: Worker, forget = false): void {
    const m = this.members.get(worker);
    if (!m) return;
    m.accepting = false;
    if (!forget) return;
    this.members.delete(worker);
    for (const [sid, owner] of this.sids) if (owner === m) this.sids.delete(sid);
  }

  /** The app is stopping: its ports close. */
  close(): void {
    for (const l of this.listeners.values()) l.server.close();
    this.listeners.clear();
  }

  private onListen(member: Member, key: string, req: ListenRequest): void {
    const reply = (err: NodeJS.ErrnoException | null): void => {
      if (!member.worker.isConnected()) return;
      const l = this.listeners.get(key);
      if (err || !l?.address) {
        member.worker.process.send({
          cmd: 'NODE_CLUSTERCTL_STICKY_LISTEN_FAILED',
          key,
          code: err?.code ?? 'EADDRINUSE',
          message: err?.message ?? 'listen failed',
        });
        return;
      }
      member.keys.add(key);
      member.worker.process.send({ cmd: 'NODE_CLUSTERCTL_STICKY_LISTENING', key, address: l.address });
      // What node:cluster emits when a worker listens: readiness reads it (ClusterWorker.onListening).
      member.worker.emit('listening', { ...l.address, addressType: l.address.family === 'IPv6' ? 6 : 4 });
    };
    const existing = this.listeners.get(key);
    if (existing?.address) reply(null);
    else if (existing) existing.waiting.push(reply);
    else this.open(key, req, reply);
  }

  private open(key: string, req: ListenRequest, first: (err: NodeJS.ErrnoException | null) => void): void {
    const server = net.createServer({ pauseOnConnect: true });
    const l: Listener = { server, peek: req.peek === true, address: null, waiting: [first] };
    this.listeners.set(key, l);
    const settle = (err: NodeJS.ErrnoException | null): void => {
      if (err) this.listeners.delete(key);
      for (const w of l.waiting.splice(0)) w(err);
    };
    server.once('error', settle);
    server.once('listening', () => {
      server.off('error', settle);
      // After its listen, an error of the port (EMFILE on accept) must not crash the primary.
      server.on('error', () => undefined);
      l.address = server.address() as net.AddressInfo;
      settle(null);
    });
    server.on('connection', (socket: net.Socket) => this.accept(key, l, socket));
    const host = typeof req.host === 'string' ? req.host : undefined;
    server.listen({ port: Number(req.port), host });
  }

  private accept(key: string, l: Listener, socket: net.Socket): void {
    socket.on('error', () => socket.destroy());
    if (!l.peek) {
      this.route(key, socket, null);
      return;
    }
    const timer = setTimeout(() => {
      socket.off('data', onData);
      socket.pause();
      this.route(key, socket, null);
    }, PEEK_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      clearTimeout(timer);
      socket.pause();
      // Read no more here: what the client sends next is read by the worker, from the socket handed to it.
      (socket as net.Socket & { _handle?: { readStop?: () => void } })._handle?.readStop?.();
      // Whatever else was read already goes along with the first chunk.
      const rest: Buffer[] = [];
      for (let more = socket.read() as Buffer | null; more; more = socket.read() as Buffer | null) rest.push(more);
      this.route(key, socket, Buffer.concat([chunk, ...rest]));
    };
    socket.once('data', onData);
    socket.once('close', () => clearTimeout(timer));
    socket.resume();
  }

  private route(key: string, socket: net.Socket, head: Buffer | null): void {
    if (socket.destroyed) return;
    const member = this.pick(key, socket.remoteAddress ?? '', head);
    if (!member) {
      socket.destroy();
      return;
    }
    const msg = { cmd: 'NODE_CLUSTERCTL_STICKY_CONN', key, head: head ? head.toString('base64') : null };
    try {
      member.worker.send(msg, socket, (err) => {
        if (err) socket.destroy();
      });
    } catch {
      socket.destroy();
    }
  }

  private pick(key: string, address: string, head: Buffer | null): Member | null {
    const live = [...this.members.values()].filter((m) => m.accepting && m.keys.has(key));
    const sid = head ? sidOf(head.toString('latin1', 0, Math.min(head.length, 2048))) : null;
    const known = sid ? this.sids.get(sid) : undefined;
    if (known && live.includes(known)) return known;
    const instances = [...new Set(live.map((m) => m.instance))].sort((a, b) => a - b);
    const instance = instanceFor(address, instances);
    if (instance === null) return null;
    // The newest worker of that instance: during a reload, the replacement.
    const chosen = live.filter((m) => m.instance === instance).sort((a, b) => b.seq - a.seq)[0];
    if (sid && !known) this.rememberSid(sid, chosen);
    return chosen;
  }

  private rememberSid(sid: string, member: Member): void {
    if (this.sids.size >= MAX_SIDS) {
      const oldest = this.sids.keys().next();
      if (!oldest.done) this.sids.delete(oldest.value);
    }
    this.sids.set(sid, member);
  }
}
