// The bench's load generator must see every request a server drops: that is
// the whole point of the reload figure (autocannon 8 reports 0 errors for
// requests lost to a closed connection, see bench/README.md).
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { parseResponse, startLoad } from '../../bench/lib/load';

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (s: Server): number => (s.address() as AddressInfo).port;
const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

describe('parseResponse', () => {
  it('needs the whole head and Content-Length body before it answers', () => {
    const full = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello');
    expect(parseResponse(full.subarray(0, 20))).toBeNull();
    expect(parseResponse(full.subarray(0, full.length - 1))).toBeNull();
    const r = parseResponse(full);
    expect(r && { status: r.status, body: r.body.toString(), close: r.close }).toEqual({
      status: 200,
      body: 'hello',
      close: false,
    });
  });
  it('reads a chunked body and a Connection: close header', () => {
    const r = parseResponse(
      Buffer.from(
        'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      ),
    );
    expect(r && { status: r.status, body: r.body.toString(), close: r.close }).toEqual({
      status: 503,
      body: 'abcde',
      close: true,
    });
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'))).toBeNull();
  });
});

describe('startLoad', () => {
  let server: Server | null = null;
  afterEach(async () => {
    if (server) await close(server);
    server = null;
  });

  it.each([true, false])('counts every request the server drops as failed (keep-alive %s)', async (keepAlive) => {
    let served = 0;
    let dropped = 0;
    server = await listen((req, res) => {
      if ((served + dropped) % 10 === 9) {
        dropped++;
        req.socket.destroy();
        return;
      }
      served++;
      res.end('ok');
    });
    const r = await startLoad({ port: portOf(server), connections: 4, keepAlive, durationMs: 500 }).done;
    expect(dropped).toBeGreaterThan(0);
    // Requests in flight when the run stops are neither served nor failed, hence the small tolerance.
    expect(Math.abs(r.failed - dropped)).toBeLessThanOrEqual(4);
    expect(Math.abs(r.ok - served)).toBeLessThanOrEqual(4);
    expect(r.non2xx).toBe(0);
  });

  it('counts non-2xx answers as failed and keeps its connections with keep-alive', async () => {
    server = await listen((req, res) => {
      res.statusCode = req.url === '/' ? 500 : 200;
      res.end('x');
    });
    const r = await startLoad({ port: portOf(server), connections: 3, keepAlive: true, durationMs: 300 }).done;
    expect(r.ok).toBe(0);
    expect(r.non2xx).toBeGreaterThan(0);
    expect(r.failed).toBe(r.non2xx);
    expect(r.connectionsOpened).toBe(3);
  });

  it('opens a new connection per request without keep-alive and reports latency', async () => {
    server = await listen((_req, res) => res.end('ok'));
    const r = await startLoad({ port: portOf(server), connections: 2, keepAlive: false, durationMs: 300 }).done;
    expect(r.failed).toBe(0);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.connectionsOpened).toBeGreaterThanOrEqual(r.ok);
    expect(r.latencyMs.p99).not.toBeNull();
  });

  it('refuses any host but 127.0.0.1', () => {
    expect(() => startLoad({ port: 80, host: 'example.com', connections: 1, keepAlive: true, durationMs: 1 })).toThrow(
      /127\.0\.0\.1/,
    );
  });
});
