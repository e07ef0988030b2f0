/**
 * The pure parts of a primary group host: who owns a listening handle
 * (port-claims.ts), which specs a host can run (group-context.ts) and the
 * checks of what the daemon sends it (groupParams), the socket.io relay
 * kept within each app. No process is started.
 */
import cluster, { type Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { defaultSpec } from '../../src/config/defaults';
import { ClusterctlError } from '../../src/protocol/errors';
import { groupParams } from '../../src/protocol/primary-params';
import type { AppSpec } from '../../src/protocol/types';
import { GroupContext } from '../../src/primary/group-context';
import { PortClaims, serverQueryOf } from '../../src/primary/process/port-claims';
import { installAdapterRelay, joinRelay } from '../../src/primary/sticky/adapter-relay';

const query = (port: number, extra: Record<string, unknown> = {}): unknown => ({
  cmd: 'NODE_CLUSTER',
  act: 'queryServer',
  address: null,
  port,
  addressType: 4,
  fd: undefined,
  index: 0,
  ...extra,
});

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof ClusterctlError ? err.code : String(err);
  }
}

describe('serverQueryOf', () => {
  it('keys a queryServer as node:cluster does: address:port:addressType:fd:index', () => {
    expect(serverQueryOf(query(3000))).toEqual({ key: 'null:3000:4:undefined:0', port: 3000 });
    expect(serverQueryOf(query(3000, { address: '127.0.0.1', index: 1 }))?.key).toBe('127.0.0.1:3000:4:undefined:1');
  });
  it('ignores every other message', () => {
    for (const msg of [null, 'ready', { cmd: 'NODE_CLUSTER', act: 'online' }, { act: 'queryServer' }, 7])
      expect(serverQueryOf(msg)).toBeNull();
  });
});

describe('PortClaims', () => {
  const q = (port: number): NonNullable<ReturnType<typeof serverQueryOf>> =>
    serverQueryOf(query(port)) as NonNullable<ReturnType<typeof serverQueryOf>>;

  it('the first app to ask owns a handle; its own workers share it, another app is told what to do', () => {
    const claims = new PortClaims('g');
    expect(claims.claim('a', q(3000))).toBeNull();
    expect(claims.claim('a', q(3000))).toBeNull();
    expect(claims.claim('b', q(3000))).toBe(
      'port 3000 is already served by app a of primary group g: give b another port or its own primary (drop --primary-group)',
    );
    expect(claims.claim('b', q(3001))).toBeNull();
    expect(claims.claim('b', q(0))).toBeNull();
    expect(claims.claim('a', q(0))).toMatch(/^a port chosen by the system \(0\) is already served by app b /);
  });
  it('a released app frees its handles for another', () => {
    const claims = new PortClaims('g');
    claims.claim('a', q(3000));
    claims.release('a');
    expect(claims.claim('b', q(3000))).toBeNull();
  });
});

describe('GroupContext.check', () => {
  const spec = (extra: Partial<AppSpec>): AppSpec => ({
    ...defaultSpec('/h', 'web', '/app/server.js', '/app', {}),
    primaryGroup: 'g',
    ...extra,
  });

  it('accepts its group on its node; the first cluster-mode app freezes the scheduling', () => {
    const ctx = new GroupContext('g');
    expect(ctx.scheduling).toBeNull();
    expect(codeOf(() => ctx.check(spec({ scheduling: 'none', execMode: 'fork' })))).toBeNull();
    ctx.adopt(spec({ scheduling: 'none', execMode: 'fork' }));
    expect(ctx.scheduling).toBeNull(); // a fork-mode app sets nothing
    ctx.adopt(spec({ scheduling: 'rr' }));
    expect(ctx.scheduling).toBe('rr');
    expect(codeOf(() => ctx.check(spec({ scheduling: 'none' })))).toBe('E_GROUP_CONFLICT');
    expect(codeOf(() => ctx.check(spec({ scheduling: 'none', execMode: 'fork' })))).toBeNull();
  });
  it('refuses another group, no group, another node', () => {
    const ctx = new GroupContext('g');
    for (const extra of [{ primaryGroup: 'h' }, { primaryGroup: null }, { interpreter: '/bin/sh' }])
      expect(codeOf(() => ctx.check(spec(extra)))).toBe('E_GROUP_CONFLICT');
  });
});

describe('groupParams', () => {
  it('host takes exactly an app name; a bad name is E_BAD_NAME, a bad shape E_BAD_SPEC', () => {
    expect(groupParams.host({ name: 'NearBy Server' })).toEqual({ name: 'NearBy Server' });
    expect(codeOf(() => groupParams.host({ name: 'a/b' }))).toBe('E_BAD_NAME');
    expect(codeOf(() => groupParams.host({ name: '' }))).toBe('E_BAD_NAME');
    expect(codeOf(() => groupParams.host({ name: 3 }))).toBe('E_BAD_SPEC');
    expect(codeOf(() => groupParams.host({ name: 'a', extra: 1 }))).toBe('E_BAD_SPEC');
    expect(codeOf(() => groupParams.hello({ protocol: 1, version: '0.1.0' }))).toBeNull();
  });
});

describe('the socket.io adapter relay in a host of several apps', () => {
  class FakeWorker extends EventEmitter {
    readonly got: unknown[] = [];
    isConnected(): boolean {
      return true;
    }
    send(msg: unknown): boolean {
      this.got.push(msg);
      return true;
    }
  }

  it("relays a worker's adapter message to the other workers of its app only", () => {
    installAdapterRelay();
    const [a1, a2, b1] = [new FakeWorker(), new FakeWorker(), new FakeWorker()];
    const appA = new Set<Worker>();
    const appB = new Set<Worker>();
    joinRelay(a1 as unknown as Worker, appA);
    joinRelay(a2 as unknown as Worker, appA);
    joinRelay(b1 as unknown as Worker, appB);
    const msg = { source: '_sio_adapter', uid: 'u1', type: 1 };
    cluster.emit('message', a1, msg);
    expect([a1.got, a2.got, b1.got]).toEqual([[], [msg], []]);
    a2.emit('exit');
    cluster.emit('message', a1, msg);
    expect([a2.got.length, b1.got.length, appA.size]).toEqual([1, 0, 1]);
  });
});
