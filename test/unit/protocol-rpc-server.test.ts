/**
 * The RPC server survives what a hostile or broken client sends: garbage,
 * a 2 MiB line, a bad envelope, an unknown method, a throwing handler, and
 * keeps serving everyone else.
 */
import { connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ClusterctlError } from '../../src/protocol/errors';
import { RpcConnection } from '../../src/protocol/rpc-client';
import { createRpcServer } from '../../src/protocol/rpc-server';
import { useTempDir } from '../helpers/tmp';

function replies(socket: Socket, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer): void => {
      buf += c.toString('utf8');
      const lines = buf.split('\n').filter((l) => l !== '');
      if (lines.length >= count) {
        socket.off('data', onData);
        resolve(lines.slice(0, count).map((l) => JSON.parse(l) as unknown));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('rpc server robustness', () => {
  const dir = useTempDir('rpc-', { scope: 'all' });
  let path: string;
  let server: Server;
  const internal: string[] = [];

  beforeAll(async () => {
    path = join(dir(), 's.sock');
    server = createRpcServer(
      {
        echo: (params) => params,
        boom: () => {
          throw new Error('handler bug');
        },
        refuse: () => {
          throw new ClusterctlError('E_BUSY', 'busy now');
        },
        stream: (_params, ctx) => {
          ctx.emit('tick', 1);
          ctx.emit('tick', 2);
          return 'done';
        },
      },
      { onInternalError: (method) => internal.push(method) },
    );
    await new Promise<void>((r) => server.listen(path, r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('answers garbage and a 2 MiB line with an error, and serves other clients meanwhile', async () => {
    const bad = connect(path);
    await new Promise((r) => bad.once('connect', r));
    const got = replies(bad, 3);
    bad.write('this is not json\n');
    bad.write(Buffer.alloc(2 * 1024 * 1024, 'a'));
    bad.write('\n');
    bad.write('{"id":1,"method":"echo","params":{"still":"alive"}}\n');
    const [garbage, oversized, echo] = (await got) as Array<{
      ok: boolean;
      error?: { code: string; message: string };
      result?: unknown;
    }>;
    expect(garbage).toMatchObject({ ok: false, error: { code: 'E_PROTOCOL' } });
    expect(oversized).toMatchObject({ ok: false, error: { code: 'E_PROTOCOL' } });
    expect(oversized.error?.message).toMatch(/line too long/);
    expect(echo).toMatchObject({ ok: true, result: { still: 'alive' } });
    bad.destroy();

    const good = await RpcConnection.connect(path);
    await expect(good.call('echo', { x: 1 })).resolves.toEqual({ x: 1 });
    good.close();
  });

  it('rejects bad envelopes and unknown methods, and turns handler errors into payloads', async () => {
    const s = connect(path);
    await new Promise((r) => s.once('connect', r));
    const got = replies(s, 4);
    s.write('[1,2]\n{"id":7}\n{"id":8,"method":"nope"}\n{"id":9,"method":"boom"}\n');
    const out = (await got) as Array<{ id: unknown; ok: boolean; error: { code: string } }>;
    expect(out.map((r) => [r.id, r.error.code])).toEqual([
      [null, 'E_PROTOCOL'],
      [7, 'E_PROTOCOL'],
      [8, 'E_UNKNOWN_METHOD'],
      [9, 'E_INTERNAL'],
    ]);
    expect(internal).toContain('boom');
    s.destroy();
  });

  it('carries ClusterctlError codes and streamed events to the client', async () => {
    const c = await RpcConnection.connect(path);
    await expect(c.call('refuse')).rejects.toMatchObject({ code: 'E_BUSY', message: 'busy now' });
    const events: unknown[] = [];
    await expect(c.call('stream', {}, { onEvent: (e, d) => events.push([e, d]) })).resolves.toBe('done');
    expect(events).toEqual([
      ['tick', 1],
      ['tick', 2],
    ]);
    c.close();
  });
});
