/**
 * Long-lived connections through a drain (reload, scale-down, stop): the
 * drain never ends a WebSocket by its idle rule, the app gets its stop
 * signal while its WebSockets and event streams are still open and closes
 * them itself (WebSocket 1001, a last SSE event), an app that does nothing
 * has them ended by the kill timeout, and `--shutdown-with-message` sends
 * 'shutdown' over IPC instead of a signal.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { waitFor } from '../helpers/wait';

let sb: Sandbox;
const open: WebSocket[] = [];
beforeEach(() => {
  sb = createSandbox();
});
afterEach(async () => {
  for (const ws of open.splice(0)) ws.terminate();
  await sb.cleanup();
});

interface Client {
  ws: WebSocket;
  pid: number;
  instance: number;
  closed: Promise<{ code: number; at: number }>;
}

function connect(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    open.push(ws);
    const closed = new Promise<{ code: number; at: number }>((r) =>
      ws.once('close', (code) => r({ code, at: Date.now() })),
    );
    ws.once('message', (data: WebSocket.RawData) => {
      const hello = JSON.parse((data as Buffer).toString('utf8')) as { pid: number; instance: number };
      resolve({ ws, pid: hello.pid, instance: hello.instance, closed });
    });
    ws.once('error', reject);
  });
}

async function startWs(instances: number, extra: string[] = []): Promise<number> {
  const port = await freePort();
  await sb.ok([
    'start',
    join(FIXTURES, 'ws-app.js'),
    '-i',
    String(instances),
    '--name',
    'ws',
    '--env',
    `PORT=${port}`,
    ...extra,
  ]);
  return port;
}

/** Clients until each of `instances` workers holds at least one. */
async function clientsOnEveryWorker(port: number, instances: number): Promise<Client[]> {
  const clients: Client[] = [];
  await waitFor(
    async () => {
      clients.push(await connect(port));
      return new Set(clients.map((c) => c.instance)).size === instances;
    },
    { what: 'a WebSocket client on every worker', intervalMs: 10 },
  );
  return clients;
}

describe('WebSockets of an app that closes them on SIGINT get its close code (1001), never 1006', () => {
  test('on reload', async () => {
    const port = await startWs(2, ['--env', 'CLOSE_ON_SIGINT=1']);
    const clients = await clientsOnEveryWorker(port, 2);
    // Idle well past the drain's 1 s idle rule before the reload: it must not cut them.
    await sb.ok(['reload', 'ws']);
    const closes = await Promise.all(clients.map((c) => c.closed));
    expect(closes.map((c) => c.code)).toEqual(clients.map(() => 1001));
    const fresh = await connect(port);
    expect(clients.map((c) => c.pid)).not.toContain(fresh.pid);
  });

  test('on scale-down (only the removed worker’s clients are closed)', async () => {
    const port = await startWs(2, ['--env', 'CLOSE_ON_SIGINT=1']);
    const clients = await clientsOnEveryWorker(port, 2);
    await sb.ok(['scale', 'ws', '1']);
    const removed = clients.filter((c) => c.instance === 1);
    const kept = clients.filter((c) => c.instance === 0);
    expect((await Promise.all(removed.map((c) => c.closed))).map((c) => c.code)).toEqual(removed.map(() => 1001));
    for (const c of kept) expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  test('on stop', async () => {
    const port = await startWs(1, ['--env', 'CLOSE_ON_SIGINT=1', '--kill-timeout', '8000']);
    const client = await connect(port);
    const started = Date.now();
    await sb.ok(['stop', 'ws']);
    const closed = await client.closed;
    expect(closed.code).toBe(1001);
    // Signalled at once (only the WebSocket was open), not after a drain grace or the kill timeout.
    expect(closed.at - started).toBeLessThan(3000);
  });
});

test('an app without a SIGINT handler has its WebSockets ended at the kill timeout, not after 1 s', async () => {
  const killTimeout = 3000;
  const port = await startWs(1, ['--kill-timeout', String(killTimeout)]);
  const client = await connect(port);
  const started = Date.now();
  const stop = sb.cli(['stop', 'ws'], { timeoutMs: 30000 });
  const closed = await client.closed;
  expect(closed.code).toBe(1006);
  expect(closed.at - started).toBeGreaterThanOrEqual(killTimeout);
  expect((await stop).code).toBe(0);
  const [app] = await sb.list();
  expect(app.status).toBe('stopped');
});

interface SseEvent {
  event: string;
  data: { pid: number; at?: number };
}

/** GET /events; resolves each event as it comes. */
function openStream(port: number): { events: SseEvent[]; ended: Promise<void>; close(): void } {
  const events: SseEvent[] = [];
  let buf = '';
  let closeReq = (): void => undefined;
  const ended = new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
          events.push({ event, data: JSON.parse(data) as SseEvent['data'] });
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
    closeReq = () => req.destroy();
  });
  return { events, ended, close: () => closeReq() };
}

test('an SSE client on a reloaded worker gets the app’s last event within 2 s of the drain’s start', async () => {
  const port = await freePort();
  const listenLog = join(sb.home, 'listen.log');
  const killTimeout = 10000;
  await sb.ok([
    'start',
    join(FIXTURES, 'sse-app.js'),
    '--name',
    'sse',
    '--kill-timeout',
    String(killTimeout),
    '--env',
    `PORT=${port}`,
    '--env',
    `LISTEN_LOG=${listenLog}`,
  ]);
  const stream = openStream(port);
  try {
    const hello = await waitFor(() => stream.events.find((e) => e.event === 'hello'), { what: 'hello event' });
    const started = Date.now();
    await sb.ok(['reload', 'sse']);
    const took = Date.now() - started;
    await stream.ended;
    const bye = stream.events.find((e) => e.event === 'bye');
    expect(bye?.data.pid).toBe(hello.data.pid);
    // The drain starts when the replacement listens (its own log line says when).
    const lines = readFileSync(listenLog, 'utf8').trim().split('\n');
    const replacementListened = Number(lines[lines.length - 1].split(' ')[1]);
    expect((bye?.data.at ?? Infinity) - replacementListened).toBeLessThan(2000);
    // Well under the kill timeout (and its drain grace of 5 s): the stream did not hold the reload back.
    expect(took).toBeLessThan(killTimeout / 2);
  } finally {
    stream.close();
  }
});

test('--shutdown-with-message: the worker receives "shutdown" over IPC and no signal', async () => {
  const port = await freePort();
  const record = join(sb.home, 'record.log');
  await sb.ok([
    'start',
    join(FIXTURES, 'shutdown-message.js'),
    '-i',
    '2',
    '--name',
    'msg',
    '--shutdown-with-message',
    '--env',
    `PORT=${port}`,
    '--env',
    `RECORD=${record}`,
  ]);
  const before = (await sb.list())[0].workers.map((w) => w.pid);
  await sb.ok(['reload', 'msg']);
  await sb.ok(['stop', 'msg']);
  const lines = readFileSync(record, 'utf8').trim().split('\n').sort();
  // Two stopped by the reload, two by the stop: each with the message, none with a signal.
  expect(lines).toHaveLength(4);
  for (const line of lines) expect(line).toMatch(/^\d+ message shutdown$/);
  for (const pid of before) expect(lines).toContain(`${pid} message shutdown`);
  const describe = await sb.ok(['describe', 'msg']);
  expect(describe.stdout).toMatch(/stop signal\s+message 'shutdown' \(no signal\)/);
});

/** GET /wait on the long-poll fixture: resolves `held` once the app holds it, `body` when it is answered. */
function longPoll(port: number): { held: Promise<void>; body: Promise<{ text: string; at: number }> } {
  let onHeld = (): void => undefined;
  const held = new Promise<void>((r) => (onHeld = r));
  const body = new Promise<{ text: string; at: number }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/wait', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.startsWith('waiting\n')) onHeld();
      });
      res.on('end', () => resolve({ text, at: Date.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return { held, body };
}

describe.each(['cluster', 'fork'])(
  '%s mode: a request held open does not hold the stop signal for the kill timeout',
  (mode) => {
    test('with --kill-timeout 20000 the app is signalled after the drain grace (5 s), not 20 s', async () => {
      const port = await freePort();
      await sb.ok([
        'start',
        join(FIXTURES, 'long-poll.js'),
        '--name',
        'poll',
        '--exec-mode',
        mode,
        '--kill-timeout',
        '20000',
        '--env',
        `PORT=${port}`,
      ]);
      const poll = longPoll(port);
      await poll.held;
      const started = Date.now();
      const stop = sb.cli(['stop', 'poll'], { timeoutMs: 60000 });
      const answered = await poll.body;
      expect(answered.text).toMatch(/^waiting\nbye \d+ \d+\n$/);
      const signalledAfter = answered.at - started;
      // The drain waits min(5 s, killTimeout / 2) for it, then the app is signalled and answers.
      expect(signalledAfter).toBeGreaterThanOrEqual(4000);
      expect(signalledAfter).toBeLessThan(12000);
      expect((await stop).code).toBe(0);
    });
  },
);
