/**
 * A real HTTP load on 127.0.0.1, bounded in time, that a test stops when it
 * has done what it came to do. It uses the benchmark's own client
 * (bench/lib/load.js), not autocannon: autocannon reconnects silently when a
 * server drops a request it was answering, so it would count a careless
 * reload as perfect (bench/lib/load.js says how that was measured, and
 * test/unit/bench-load.test.ts proves the client counts every dropped request).
 * Every failure counts: non-2xx, socket errors, a close before the response,
 * timeouts.
 */
import { startLoad as startClient } from '../../bench/lib/load';

export interface LoadResult {
  requests: number;
  non2xx: number;
  /** Failed requests other than non-2xx: socket errors, early closes, timeouts. */
  errors: number;
  timeouts: number;
  /** Failed requests by cause (ECONNRESET, ECONNREFUSED, EOF, timeout…). */
  errorKinds: Record<string, number>;
}

export interface Load {
  stop(): Promise<LoadResult>;
}

export function startLoad(port: number, opts: { keepAlive: boolean; connections?: number; maxSeconds?: number }): Load {
  const load = startClient({
    port,
    connections: opts.connections ?? 10,
    keepAlive: opts.keepAlive,
    maxMs: (opts.maxSeconds ?? 60) * 1000,
    timeoutMs: 10000,
  });
  return {
    async stop() {
      const r = await load.stop();
      return {
        requests: r.ok + r.failed,
        non2xx: r.non2xx,
        errors: r.failed - r.non2xx,
        timeouts: 'timeout' in r.errors ? r.errors.timeout : 0,
        errorKinds: r.errors,
      };
    },
  };
}
