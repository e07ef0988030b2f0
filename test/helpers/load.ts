/**
 * A real HTTP load on 127.0.0.1 (autocannon), bounded in time, that a test
 * stops when it has done what it came to do. Every failure counts: non-2xx,
 * socket errors, timeouts.
 */
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Per error kind (ECONNRESET, ECONNREFUSED, …) as autocannon reports them. */
  errorKinds: Record<string, number>;
}

export interface Load {
  stop(): Promise<LoadResult>;
}

export function startLoad(port: number, opts: { keepAlive: boolean; connections?: number; maxSeconds?: number }): Load {
  const errorKinds: Record<string, number> = {};
  let settle: (r: autocannon.Result) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const instance = autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: opts.connections ?? 10,
    duration: opts.maxSeconds ?? 60,
    timeout: 10,
    headers: opts.keepAlive ? {} : { connection: 'close' },
  }, (err: Error | null, result: autocannon.Result) => (err ? fail(err) : settle(result)));
  instance.on('reqError', (err: NodeJS.ErrnoException) => {
    const kind = err.code ?? err.message;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  });
  return {
    async stop() {
      instance.stop();
      const r = await done;
      return { requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, errorKinds };
    },
  };
}
