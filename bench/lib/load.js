'use strict';
/**
 * HTTP/1.1 load on 127.0.0.1 that counts every failed request.
 *
 * Why not autocannon: when a server closes a connection while a request is
 * outstanding (exactly what a careless reload does), autocannon reconnects
 * and counts nothing. Measured with a server that drops one request in ten:
 * autocannon 8 reported 0 errors for 3,673 dropped requests with keep-alive,
 * and 0 for 1,281 with `connection: close`. A reload benchmark built on it
 * would show every engine at zero. This client counts a request as failed
 * when it gets a non-2xx status, a socket error (ECONNRESET, ECONNREFUSED,
 * EPIPE…), a close before the whole response ('EOF'), or no answer within
 * the timeout; and it behaves like a real client: it honours
 * `Connection: close` from the server and never sends on a socket the
 * server said it will close.
 *
 * One request at a time per connection (no pipelining), as browsers and
 * Node's own http agent do.
 */
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { percentileOfSorted } = require('./stats');

/**
 * @typedef {Object} LoadOptions
 * @property {number} port
 * @property {string} [host] default 127.0.0.1
 * @property {number} connections concurrent connections (each one request at a time)
 * @property {boolean} keepAlive false: a new connection per request (`Connection: close`)
 * @property {number} [durationMs] stop by itself after this long; without it, call stop()
 * @property {number} [maxMs] hard bound when durationMs is absent (default 120 s)
 * @property {number} [timeoutMs] a request with no answer after this long fails (default 5 s)
 * @property {string} [path] default '/'
 * @property {(status: number, body: Buffer, atMs: number) => void} [onResponse]
 */

/**
 * @typedef {Object} LoadResult
 * @property {number} durationMs
 * @property {number} ok 2xx responses
 * @property {number} non2xx
 * @property {Record<string, number>} errors failed requests by cause (socket error code, 'EOF', 'timeout')
 * @property {number} failed non2xx + every error
 * @property {number} rps 2xx responses per second
 * @property {number} connectionsOpened TCP connections opened (keep-alive: should stay near `connections`)
 * @property {{ p50: number|null, p90: number|null, p99: number|null, max: number|null }} latencyMs of 2xx responses
 */

const ERROR_BACKOFF_MS = 10;

/**
 * Start the load; it runs until durationMs (or stop()).
 * @param {LoadOptions} opts
 * @returns {{ done: Promise<LoadResult>, stop: () => Promise<LoadResult>, failedSoFar: () => number }}
 */
function startLoad(opts) {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the benchmark only loads 127.0.0.1');
  const timeoutMs = opts.timeoutMs ?? 5000;
  const request = Buffer.from(
    `GET ${opts.path ?? '/'} HTTP/1.1\r\nHost: ${host}:${opts.port}\r\n` +
      (opts.keepAlive ? '' : 'Connection: close\r\n') +
      '\r\n',
    'latin1',
  );

  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const errors = {};
  let ok = 0;
  let non2xx = 0;
  let opened = 0;
  let stopped = false;
  const t0 = performance.now();
  let tEnd = 0;

  /** @param {string} cause */
  const fail = (cause) => {
    if (stopped) return;
    errors[cause] = (errors[cause] ?? 0) + 1;
  };

  /** @type {Set<Slot>} */
  const slots = new Set();

  class Slot {
    constructor() {
      /** @type {net.Socket | null} */
      this.sock = null;
      /** start time of the request in flight, or null */
      this.inflight = null;
      /** @type {Buffer | null} */
      this.buf = null;
      /** the server announced it will close this connection after the response */
      this.closing = false;
      /** @type {string | null} */
      this.lastError = null;
      this.retryTimer = null;
      /** responses read on the current connection */
      this.answered = 0;
    }

    open() {
      if (stopped) return;
      const sock = net.connect({ host, port: opts.port });
      opened++;
      this.sock = sock;
      this.buf = null;
      this.closing = false;
      this.lastError = null;
      this.answered = 0;
      sock.setNoDelay(true);
      // A request attempt begins now: a refused connection is a failed request.
      this.inflight = performance.now();
      sock.on('connect', () => {
        if (this.sock === sock) sock.write(request);
      });
      sock.on('data', (chunk) => {
        if (this.sock === sock) this.onData(chunk);
      });
      sock.on('error', (err) => {
        this.lastError = /** @type {NodeJS.ErrnoException} */ (err).code ?? 'ERROR';
      });
      sock.on('close', () => {
        if (this.sock !== sock) return;
        this.sock = null;
        let delay = 0;
        if (this.inflight !== null) {
          const cause = this.lastError ?? 'EOF';
          // A new connection reset before any answer was in the listen backlog when the
          // server closed its listening socket: named apart, because a server that is
          // stopping may refuse it (as it refuses with ECONNREFUSED), while a request
          // dropped on a connection that was being served never may.
          fail(this.answered === 0 && (cause === 'ECONNRESET' || cause === 'EOF') ? `${cause} before accept` : cause);
          this.inflight = null;
          delay = ERROR_BACKOFF_MS;
        }
        if (stopped) return;
        if (delay === 0) this.open();
        else this.retryTimer = setTimeout(() => this.open(), delay);
      });
    }

    /** @param {Buffer} chunk */
    onData(chunk) {
      this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
      const parsed = parseResponse(this.buf);
      if (parsed === null) return;
      const started = this.inflight;
      this.inflight = null;
      this.buf = null;
      this.answered++;
      if (stopped || started === null) return;
      const now = performance.now();
      if (parsed.status >= 200 && parsed.status < 300) {
        ok++;
        latencies.push(now - started);
      } else {
        non2xx++;
      }
      if (opts.onResponse) opts.onResponse(parsed.status, parsed.body, now - t0);
      if (!opts.keepAlive || parsed.close) {
        // Wait for the server's FIN: it then holds the TIME_WAIT, not our ephemeral ports.
        this.closing = true;
        return;
      }
      this.inflight = performance.now();
      /** @type {net.Socket} */ (this.sock).write(request);
    }

    /** @param {number} now */
    checkTimeout(now) {
      if (this.inflight !== null && now - this.inflight > timeoutMs && this.sock) {
        this.lastError = 'timeout';
        this.sock.destroy();
      }
    }

    destroy() {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.inflight = null;
      if (this.sock) {
        const s = this.sock;
        this.sock = null;
        s.destroy();
      }
    }
  }

  for (let i = 0; i < opts.connections; i++) {
    const slot = new Slot();
    slots.add(slot);
    slot.open();
  }
  const ticker = setInterval(() => {
    const now = performance.now();
    for (const s of slots) s.checkTimeout(now);
  }, 100);

  /** @type {(r: LoadResult) => void} */
  let resolveDone = () => undefined;
  /** @type {Promise<LoadResult>} */
  const done = new Promise((r) => (resolveDone = r));
  const bound = opts.durationMs ?? opts.maxMs ?? 120000;
  const endTimer = setTimeout(() => finish(), bound);

  function finish() {
    if (stopped) return done;
    // Requests still in flight when we stop are ours to drop: neither served nor failed.
    stopped = true;
    tEnd = performance.now();
    clearTimeout(endTimer);
    clearInterval(ticker);
    for (const s of slots) s.destroy();
    latencies.sort((a, b) => a - b);
    const failed = non2xx + Object.values(errors).reduce((a, b) => a + b, 0);
    const durationMs = tEnd - t0;
    resolveDone({
      durationMs,
      ok,
      non2xx,
      errors: { ...errors },
      failed,
      rps: ok / (durationMs / 1000),
      connectionsOpened: opened,
      latencyMs: {
        p50: percentileOfSorted(latencies, 50),
        p90: percentileOfSorted(latencies, 90),
        p99: percentileOfSorted(latencies, 99),
        max: latencies.length ? latencies[latencies.length - 1] : null,
      },
    });
    return done;
  }

  return {
    done,
    stop: () => finish(),
    failedSoFar: () => non2xx + Object.values(errors).reduce((a, b) => a + b, 0),
  };
}

/**
 * One complete HTTP/1.1 response at the start of buf, or null if more bytes
 * are needed. Handles Content-Length and chunked bodies.
 * @param {Buffer} buf
 * @returns {{ status: number, body: Buffer, close: boolean } | null}
 */
function parseResponse(buf) {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  let contentLength = -1;
  let chunked = false;
  let close = false;
  let lineStart = head.indexOf('\r\n') + 2;
  while (lineStart > 1 && lineStart < head.length) {
    let lineEnd = head.indexOf('\r\n', lineStart);
    if (lineEnd < 0) lineEnd = head.length;
    const colon = head.indexOf(':', lineStart);
    if (colon > 0 && colon < lineEnd) {
      const name = head.slice(lineStart, colon).trim().toLowerCase();
      const value = head
        .slice(colon + 1, lineEnd)
        .trim()
        .toLowerCase();
      if (name === 'content-length') contentLength = Number(value);
      else if (name === 'transfer-encoding') chunked = value.includes('chunked');
      else if (name === 'connection') close = value.includes('close');
    }
    lineStart = lineEnd + 2;
  }
  const bodyStart = headEnd + 4;
  if (chunked) {
    const parts = [];
    let pos = bodyStart;
    for (;;) {
      const sizeEnd = buf.indexOf('\r\n', pos);
      if (sizeEnd < 0) return null;
      const size = parseInt(buf.toString('latin1', pos, sizeEnd), 16);
      if (Number.isNaN(size)) return { status, body: Buffer.alloc(0), close: true };
      if (size === 0) {
        // Last chunk, no trailers from our apps: the response ends with one more CRLF.
        if (buf.length < sizeEnd + 4) return null;
        return { status, body: Buffer.concat(parts), close };
      }
      if (buf.length < sizeEnd + 2 + size + 2) return null;
      parts.push(buf.subarray(sizeEnd + 2, sizeEnd + 2 + size));
      pos = sizeEnd + 2 + size + 2;
    }
  }
  if (contentLength < 0) contentLength = 0;
  if (buf.length < bodyStart + contentLength) return null;
  return { status, body: buf.subarray(bodyStart, bodyStart + contentLength), close };
}

module.exports = { startLoad, parseResponse };
