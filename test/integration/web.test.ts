/**
 * The daemon's HTTP endpoint against a real daemon: off by default (no TCP
 * listener at all), on with `clusterctl web`, kept across a daemon restart,
 * /healthz and /readyz open, everything else behind the token, read-only
 * refusing POSTs, cross-origin requests refused, the API driving real apps.
 */
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../helpers/net';
import { listeningPorts } from '../helpers/proc';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { enableWeb, webRequest } from '../helpers/web';

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

function daemonPid(): number {
  return Number(readFileSync(join(sb.home, 'daemon.pid'), 'utf8').trim());
}

test('off by default: the daemon holds no TCP listening socket and `web` says off', async () => {
  await sb.ok(['ping']);
  expect(listeningPorts(daemonPid())).toEqual([]);
  expect((await sb.ok(['web'])).stdout).toMatch(/web endpoint: off/);
});

test('on: /healthz 200 without a token, /metrics and /api 401 without it, token file 0600, kept across a daemon restart', async () => {
  const port = await freePort();
  const token = await enableWeb(sb, port);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(statSync(join(sb.home, 'web.token')).mode & 0o777).toBe(0o600);
  expect(listeningPorts(daemonPid())).toEqual([port]);
  expect((await sb.ok(['web'])).stdout).toContain(`listening on http://127.0.0.1:${String(port)}/`);
  expect(await webRequest(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  expect((await webRequest(port, '/metrics')).status).toBe(401);
  expect((await webRequest(port, '/api/apps')).status).toBe(401);
  expect((await webRequest(port, '/metrics', { token: 'x'.repeat(43) })).status).toBe(401);
  expect((await webRequest(port, '/metrics', { token })).status).toBe(200);
  expect((await sb.ok(['web', '--url'])).stdout.trim()).toBe(`http://127.0.0.1:${String(port)}/#token=${token}`);

  const before = daemonPid();
  await sb.ok(['update']);
  const after = await waitFor(() => {
    const pid = daemonPid();
    return pid !== before && pid;
  });
  await waitFor(() => listeningPorts(after).includes(port), { what: 'the new daemon to listen again' });
  expect((await webRequest(port, '/healthz')).status).toBe(200);
  expect((await sb.ok(['web', '--token'])).stdout.trim()).toBe(token);
});

test('/readyz: 200 when every worker is online, then 503 naming the app while a worker is down', async () => {
  const port = await freePort();
  await enableWeb(sb, port);
  await sb.ok([
    'start',
    join(FIXTURES, 'hello.js'),
    '-i',
    '2',
    '--name',
    'slow',
    '--env',
    'PORT=0',
    '--restart-delay',
    '5000',
  ]);
  const ok = await webRequest(port, '/readyz');
  expect(ok.status).toBe(200);
  expect((await webRequest(port, '/readyz/slow')).status).toBe(200);
  expect((await webRequest(port, '/readyz/nope')).status).toBe(404);

  const victim = (await sb.list()).find((a) => a.name === 'slow')?.workers[1]?.pid;
  if (!victim) throw new Error('no worker pid');
  process.kill(victim, 'SIGKILL');
  const down = await waitFor(async () => {
    const r = await webRequest(port, '/readyz');
    return r.status === 503 && r;
  });
  const body = JSON.parse(down.body) as {
    ready: boolean;
    notReady: string[];
    apps: Array<{ name: string; notOnline: Array<{ instance: number; status: string }> }>;
  };
  expect(body.ready).toBe(false);
  expect(body.notReady).toEqual(['slow']);
  expect(body.apps[0]?.notOnline).toEqual([
    expect.objectContaining({ instance: 1, status: 'waiting-restart' }) as unknown,
  ]);
  expect((await webRequest(port, '/readyz/slow')).status).toBe(503);
  await waitFor(async () => (await webRequest(port, '/readyz')).status === 200, {
    timeoutMs: 20000,
    what: 'ready again',
  });
  await sb.ok(['delete', 'slow']);
});

test('/api: apps with env redacted, POST actions, scale "+1", cross-origin refused, --read-only refuses POST with 403', async () => {
  const port = await freePort();
  const token = await enableWeb(sb, port);
  await sb.ok([
    'start',
    join(FIXTURES, 'hello.js'),
    '-i',
    '1',
    '--name',
    'api',
    '--env',
    'PORT=0',
    '--env',
    'SECRET=hunter2',
  ]);
  const list = await webRequest(port, '/api/apps', { token });
  expect(list.status).toBe(200);
  expect(list.body).not.toContain('hunter2');
  const one = JSON.parse((await webRequest(port, '/api/apps/api', { token })).body) as {
    spec: { env: Record<string, string> };
  };
  expect(one.spec.env.SECRET).toBe('***');
  expect((await webRequest(port, '/api/apps/none', { token })).status).toBe(404);

  const scaled = await webRequest(port, '/api/apps/api/scale', { method: 'POST', token, body: '"+1"' });
  expect(scaled.status).toBe(200);
  expect((JSON.parse(scaled.body) as { workers: unknown[] }).workers).toHaveLength(2);
  const bad = await webRequest(port, '/api/apps/api/scale', { method: 'POST', token, body: '{"instances": 0}' });
  expect(bad.status).toBe(400);

  const pidsBefore = (await sb.list()).find((a) => a.name === 'api')?.workers.map((w) => w.pid);
  const reloaded = await webRequest(port, '/api/apps/api/reload', { method: 'POST', token });
  expect(reloaded.status).toBe(200);
  const pidsAfter = (await sb.list()).find((a) => a.name === 'api')?.workers.map((w) => w.pid);
  expect(pidsAfter?.some((p) => pidsBefore?.includes(p))).toBe(false);

  const evil = await webRequest(port, '/api/apps/api/stop', {
    method: 'POST',
    token,
    headers: { origin: 'http://evil.example' },
  });
  expect(evil.status).toBe(403);
  expect((await sb.list()).find((a) => a.name === 'api')?.status).toBe('online');

  await sb.ok(['web', '--port', String(port), '--read-only']);
  const refused = await webRequest(port, '/api/apps/api/stop', { method: 'POST', token });
  expect(refused.status).toBe(403);
  expect(refused.body).toMatch(/read-only/);
  expect((await sb.list()).find((a) => a.name === 'api')?.status).toBe('online');
  expect((await webRequest(port, '/api/apps', { token })).status).toBe(200);
  await sb.ok(['delete', 'api']);
});

test('/api/events streams the apps as SSE; /api/apps/<name>/logs gives the last lines', async () => {
  const port = await freePort();
  const token = await enableWeb(sb, port);
  let seen = '';
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/api/events',
    headers: { authorization: `Bearer ${token}` },
    agent: false,
  });
  const opened = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8').on('data', (c: string) => (seen += c));
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.end();
  try {
    expect(await opened).toBe(200);
    await waitFor(() => seen.includes('event: apps'), { what: 'the first event' });
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'ev', '--env', 'PORT=0']);
    await waitFor(() => /"name":"ev","status":"online"/.test(seen), { what: 'an event with ev online' });
  } finally {
    req.destroy();
  }
  const logs = await waitFor(async () => {
    const r = JSON.parse((await webRequest(port, '/api/apps/ev/logs?lines=5', { token })).body) as { out?: string[] };
    return r.out?.some((l) => l.includes('listening')) && r;
  });
  expect(logs.out?.length).toBeLessThanOrEqual(5);
  await sb.ok(['delete', 'ev']);
});

test('--off: the daemon stops listening; bad flags are refused with E_USAGE and no change', async () => {
  const port = await freePort();
  await enableWeb(sb, port);
  const bad = await sb.cli(['web', '--port', '99999']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--port must be a port number/);
  expect(listeningPorts(daemonPid())).toEqual([port]);
  const both = await sb.cli(['web', '--off', '--token']);
  expect(both.code).toBe(2);
  await sb.ok(['web', '--off']);
  expect(listeningPorts(daemonPid())).toEqual([]);
  await expect(webRequest(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  const warn = await sb.ok(['web', '--host', '0.0.0.0', '--port', String(port)]);
  expect(warn.stderr).toMatch(/not a loopback address/);
  await sb.ok(['web', '--off']);
});
