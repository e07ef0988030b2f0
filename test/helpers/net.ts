import { createServer } from 'node:net';
import { request } from 'node:http';

/**
 * Ports handed out below Linux's ephemeral range (ip_local_port_range starts at
 * 32768): a port the kernel picked for listen(0) is also one it may give the next
 * outgoing connection or another worker's listen(0), and an app of a test then failed
 * with EADDRINUSE on a port found free a moment before. Each jest worker takes its
 * own slice and walks it, so two workers never hand out the same port.
 */
const PORT_BASE = 20000;
const PORTS_PER_WORKER = 4000;
const worker = Math.max(0, Number(process.env.JEST_WORKER_ID ?? '1') - 1) % 3;
let nextOffset = Math.floor(Math.random() * PORTS_PER_WORKER);

/** Whether nothing listens on `port` (IPv4 or IPv6, as an app listening on `::` would see it). */
function canListen(port: number, host = '::'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      // A machine without IPv6: ask IPv4's any address instead.
      if (host === '::' && err.code === 'EAFNOSUPPORT') resolve(canListen(port, '0.0.0.0'));
      else resolve(false);
    });
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A TCP port, outside the ephemeral range, that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORTS_PER_WORKER; tries++) {
    const port = PORT_BASE + worker * PORTS_PER_WORKER + (nextOffset++ % PORTS_PER_WORKER);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${PORT_BASE + worker * PORTS_PER_WORKER}+${PORTS_PER_WORKER}`);
}

export interface HttpResult {
  status: number;
  body: string;
}

/** One GET on 127.0.0.1 with a fresh connection. */
export function httpGet(port: number, path = '/', timeoutMs = 5000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
