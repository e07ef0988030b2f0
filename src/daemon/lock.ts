/**
 * One daemon per home, without lock files: the daemon listens on an
 * abstract-namespace Unix socket named after its home. The kernel frees the
 * name when the process dies however it dies, so a crashed daemon never
 * leaves a stale lock, and of two daemons started at once exactly one wins.
 */
import { createServer, type Server } from 'node:net';

/** Resolves with the held lock, or null when another process already holds it. */
export function acquireLock(name: string): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(null);
      else reject(err);
    });
    server.listen({ path: name }, () => {
      server.unref();
      resolve(server);
    });
  });
}
