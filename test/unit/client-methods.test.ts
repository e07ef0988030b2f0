/**
 * The programmatic Client has one method per DaemonMethod, generated from the
 * API table: each sends that method with the params given. Checked against
 * an in-process RPC server on a temporary socket that echoes what it got.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:net';
import { Client } from '../../src/client/client';
import { DAEMON_METHODS, type DaemonMethod, type HelloResult } from '../../src/protocol/api';
import { homePaths } from '../../src/protocol/paths';
import { RpcConnection } from '../../src/protocol/rpc-client';
import { createRpcServer, type Handler } from '../../src/protocol/rpc-server';

const EVERY_METHOD: Record<DaemonMethod, true> = {
  hello: true,
  ping: true,
  list: true,
  describe: true,
  start: true,
  resume: true,
  stop: true,
  restart: true,
  delete: true,
  scale: true,
  reload: true,
  kill: true,
  flush: true,
  reloadLogs: true,
  save: true,
  resurrect: true,
  webStatus: true,
  webConfigure: true,
  webToken: true,
  subscribe: true,
  reset: true,
  sendSignal: true,
  env: true,
};

describe('Client', () => {
  let dir: string;
  let server: Server;
  let client: Client;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterctl-client-'));
    const socket = join(dir, 'echo.sock');
    const handlers: Record<string, Handler> = {};
    for (const method of DAEMON_METHODS) {
      handlers[method] = (params, ctx) => {
        if (method === 'reload') ctx.emit('progress', { app: 'a', done: 1, total: 1, instance: 0, step: 'replaced' });
        if (method === 'subscribe') ctx.emit('apps', [{ name: 'a' }]);
        return { method, params };
      };
    }
    server = createRpcServer(handlers);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const connection = await RpcConnection.connect(socket);
    client = new Client(connection, {} as HelloResult, homePaths(dir), false);
  });
  afterAll(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every DaemonMethod at run time, each once', () => {
    expect([...DAEMON_METHODS].sort()).toEqual(Object.keys(EVERY_METHOD).sort());
  });

  it.each(DAEMON_METHODS.map((m) => [m]))('has a method for %s that sends it with its params', async (method) => {
    const call = (client as unknown as Record<string, (params: unknown) => Promise<unknown>>)[method];
    expect(typeof call).toBe('function');
    await expect(call.call(client, { probe: method })).resolves.toEqual({ method, params: { probe: method } });
  });

  it('sends {} when an all-optional method is called without params', async () => {
    await expect(client.list()).resolves.toEqual({ method: 'list', params: {} });
  });

  it('hands reload progress events to onProgress', async () => {
    const steps: string[] = [];
    await client.reload({ target: 'a' }, { onProgress: (e) => steps.push(e.step) });
    expect(steps).toEqual(['replaced']);
  });

  it('hands subscribe apps events to onApps', async () => {
    const names: string[] = [];
    await client.subscribe({}, { onApps: (apps) => names.push(...apps.map((a) => a.name)) });
    expect(names).toEqual(['a']);
  });
});
