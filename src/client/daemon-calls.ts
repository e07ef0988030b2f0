/**
 * One client method per DaemonApi method, generated from the API table so a
 * verb added to the protocol cannot be missing from the client: each takes
 * the method's params object (optional when every field is) and resolves
 * with its result.
 */
import { DAEMON_METHODS, type DaemonApi, type DaemonMethod } from '../protocol/api';
import type { CallOptions, TypedRpc } from '../protocol/rpc-client';

type Params<M extends DaemonMethod> = DaemonApi[M]['params'];
type Result<M extends DaemonMethod> = DaemonApi[M]['result'];

/** The client-side signature of one daemon method. */
export type DaemonCall<M extends DaemonMethod> =
  NoneRequired<Params<M>> extends true
    ? (params?: Params<M>, opts?: CallOptions) => Promise<Result<M>>
    : (params: Params<M>, opts?: CallOptions) => Promise<Result<M>>;

/** True for `Record<string, never>` and for objects whose fields are all optional. */
type NoneRequired<P> = P extends Record<string, never> ? true : Partial<P> extends P ? true : false;

export type DaemonCalls = { [M in DaemonMethod]: DaemonCall<M> };

/** Methods the client writes by hand (to hand typed events on); the base leaves them out. */
export type HandWritten = 'reload' | 'subscribe';
const HAND_WRITTEN: ReadonlySet<DaemonMethod> = new Set<HandWritten>(['reload', 'subscribe']);

export interface RpcHolder {
  readonly rpc: TypedRpc<DaemonApi>;
}

class Generated implements RpcHolder {
  constructor(readonly rpc: TypedRpc<DaemonApi>) {}
}
for (const method of DAEMON_METHODS) {
  if (HAND_WRITTEN.has(method)) continue;
  // On the prototype like a class method, so a subclass can still define its own.
  Object.defineProperty(Generated.prototype, method, {
    configurable: true,
    writable: true,
    value(this: Generated, params: unknown = {}, opts?: CallOptions): Promise<unknown> {
      return this.rpc.connection.call(method, params, opts);
    },
  });
}

/** The base class of Client: a method for every DaemonMethod but the hand-written ones. */
export const DaemonCallsBase = Generated as unknown as new (
  rpc: TypedRpc<DaemonApi>,
) => Omit<DaemonCalls, HandWritten> & RpcHolder;
