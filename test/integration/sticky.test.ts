/**
 * `--sticky`: the app primary owns the port and routes every connection of
 * one client to the same worker, so socket.io with its default transports
 * (long-polling, then the websocket upgrade) works across workers; the
 * cluster adapter's messages are relayed, so a broadcast reaches the clients
 * of every worker; reloads move clients to new workers and, under load,
 * fail no request.
 */
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { io as connectIo, type Socket } from 'socket.io-client';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort, httpGet } from '../helpers/net';
import { startLoad } from '../helpers/load';
import { waitFor } from '../helpers/wait';

let sb: Sandbox;
const sockets: Socket[] = [];
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await sb.cleanup();
});

interface Me {
  pid: number;
  instance: number;
}

async function startSocketIo(instances: number): Promise<number> {
  const port = await freePort();
  await sb.ok([
    'start',
    join(FIXTURES, 'socketio-app.js'),
    '-i',
    String(instances),
    '--name',
    'sio',
    '--sticky',
    '--env',
    `PORT=${port}`,
  ]);
  // A first start counts a worker that stays up --min-uptime as online even
  // before it listens (socket.io is slow to require on a loaded machine):
  // wait until every worker takes connections.
  await waitFor(
    async () => {
      const pids = new Set<number>();
      for (let last = 2; last < 40; last++) {
        const r = await rawRequest(port, `127.0.0.${last}`, 'GET', '/');
        pids.add((JSON.parse(r.body) as Me).pid);
      }
      return pids.size === instances;
    },
    { what: 'every worker answering' },
  );
  return port;
}

/** A socket.io client with default transports, from `localAddress` (any 127.x.y.z is this machine). */
function client(port: number, localAddress = '127.0.0.1'): Socket {
  const agent = new Agent({ localAddress });
  const s = connectIo(`http://127.0.0.1:${port}`, {
    agent: agent as unknown as string,
    localAddress,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  } as Parameters<typeof connectIo>[1]);
  sockets.push(s);
  return s;
}

function connected(s: Socket): Promise<void> {
  return waitFor(() => s.connected, { what: 'socket.io connected', timeoutMs: 15000 }).then(() => undefined);
}

function upgraded(s: Socket): Promise<void> {
  return waitFor(() => s.io.engine.transport.name === 'websocket', {
    what: 'websocket upgrade',
    timeoutMs: 15000,
  }).then(() => undefined);
}

async function whoami(s: Socket): Promise<Me> {
  return (await s.timeout(5000).emitWithAck('whoami')) as Me;
}

test('socket.io with default transports connects, upgrades and gets 100 acks in a row', async () => {
  const port = await startSocketIo(2);
  const s = client(port);
  await connected(s);
  await upgraded(s);
  const me = await whoami(s);
  for (let n = 0; n < 100; n++) {
    const ack = (await s.timeout(5000).emitWithAck('ping', n)) as Me & { n: number };
    expect(ack).toEqual({ n, ...me });
  }
});

/** Two clients from different addresses that the router pinned to different workers. */
async function twoClientsOnTwoWorkers(port: number): Promise<Array<{ s: Socket; me: Me; from: string }>> {
  const found: Array<{ s: Socket; me: Me; from: string }> = [];
  for (let last = 2; last < 60 && found.length < 2; last++) {
    const from = `127.0.0.${last}`;
    const s = client(port, from);
    await connected(s);
    const me = await whoami(s);
    if (found.every((f) => f.me.pid !== me.pid)) found.push({ s, me, from });
    else s.disconnect();
  }
  if (found.length < 2) throw new Error('no two client addresses were routed to different workers');
  return found;
}

test('a broadcast from one worker reaches clients pinned to both; after a reload both reconnect to new workers', async () => {
  const port = await startSocketIo(2);
  const [a, b] = await twoClientsOnTwoWorkers(port);
  // The same address always lands on the same worker (a fresh polling session each time).
  const again = client(port, a.from);
  await connected(again);
  expect((await whoami(again)).pid).toBe(a.me.pid);
  again.disconnect();

  const heard = [a, b].map(({ s }) => new Promise<unknown>((r) => s.once('news', r)));
  a.s.emit('shout', 'hello everyone');
  const news = (await Promise.all(heard)) as Array<{ text: string; from: Me }>;
  for (const n of news) expect(n).toEqual({ text: 'hello everyone', from: a.me });

  const old = new Set([a.me.pid, b.me.pid]);
  await sb.ok(['reload', 'sio']);
  const after = await Promise.all(
    [a, b].map(({ s }) =>
      waitFor(
        async () => {
          if (!s.connected) return false;
          const me = await whoami(s);
          return old.has(me.pid) ? false : me;
        },
        { what: 'reconnected to a new worker', timeoutMs: 20000 },
      ),
    ),
  );
  expect(after[0].pid).not.toBe(after[1].pid);
  // And the relay still works between the new workers.
  const heardAgain = [a, b].map(({ s }) => new Promise<unknown>((r) => s.once('news', r)));
  b.s.emit('shout', 'still here');
  expect(((await Promise.all(heardAgain)) as Array<{ text: string }>).map((n) => n.text)).toEqual([
    'still here',
    'still here',
  ]);
});

test('three reloads of a --sticky app under load fail zero requests', async () => {
  const port = await freePort();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--sticky', '--env', `PORT=${port}`]);
  await waitFor(async () => (await httpGet(port)).status === 200, { what: 'app answering' });
  const load = startLoad(port, { keepAlive: true, connections: 10, maxSeconds: 120 });
  for (let round = 1; round <= 3; round++) await sb.ok(['reload', 'web']);
  const result = await load.stop();
  expect(result.requests).toBeGreaterThan(100);
  expect({ non2xx: result.non2xx, errors: result.errors, kinds: result.errorKinds }).toEqual({
    non2xx: 0,
    errors: 0,
    kinds: {},
  });
  const [app] = await sb.list();
  expect(app.workers.map((w) => w.restarts)).toEqual([3, 3]);
});

/** One plain HTTP request from `localAddress` on a fresh connection. */
function rawRequest(
  port: number,
  localAddress: string,
  method: string,
  path: string,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, localAddress, method, path, agent: false, headers: { 'content-type': 'text/plain' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test("a request carrying a socket.io sid goes to that session's worker, whatever its address", async () => {
  const port = await startSocketIo(2);
  // Two client addresses that the address hash sends to different workers.
  const byAddress = new Map<number, string>();
  for (let last = 2; last < 60 && byAddress.size < 2; last++) {
    const from = `127.0.0.${last}`;
    const { pid } = JSON.parse((await rawRequest(port, from, 'GET', '/')).body) as Me;
    if (!byAddress.has(pid)) byAddress.set(pid, from);
  }
  const [[pidX, x], [, y]] = [...byAddress.entries()];
  const handshake = await rawRequest(port, x, 'GET', '/socket.io/?EIO=4&transport=polling');
  const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
  const path = `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
  // The first request with the sid comes from the address that created it: the router learns the pair.
  expect(await rawRequest(port, x, 'POST', path, '40')).toEqual({ status: 200, body: 'ok' });
  // From an address that maps to the other worker, the session is still found (that worker would answer 400).
  expect(await rawRequest(port, y, 'POST', path, '3')).toEqual({ status: 200, body: 'ok' });
  expect(JSON.parse((await rawRequest(port, y, 'GET', '/')).body)).not.toMatchObject({ pid: pidX });
});

test('--sticky on a port already taken: start exits 1 and says the worker could not listen', async () => {
  const port = await freePort();
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(port, r));
  try {
    const r = await sb.cli(['start', join(FIXTURES, 'hello.js'), '--name', 'web', '--sticky', '--env', `PORT=${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not listen: .*EADDRINUSE/);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});
