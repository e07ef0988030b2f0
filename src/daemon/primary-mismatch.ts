/** An app primary of another clusterctl version, as the daemon finds it on a control socket. */
import { ClusterctlError } from '../protocol/errors';
import { PROTOCOL_VERSION, checkProtocol } from '../protocol/version';

/**
 * A primary that answered `hello` with another protocol version: it was
 * started by another clusterctl, so its messages may mean something else.
 * The daemon leaves it running and does not command it.
 */
export class IncompatiblePrimaryError extends ClusterctlError {
  readonly pid: number | null;
  /** The spec it says it runs, unchecked: its shape is another version's. */
  readonly spec: unknown;
  constructor(name: string, hello: { pid?: unknown; protocol?: unknown; version?: unknown; spec?: unknown }) {
    super('E_PROTOCOL_MISMATCH', protocolMismatchText(name, hello));
    this.pid = typeof hello.pid === 'number' && Number.isInteger(hello.pid) ? hello.pid : null;
    this.spec = hello.spec;
  }
}

function protocolMismatchText(name: string, hello: { protocol?: unknown; version?: unknown }): string {
  try {
    checkProtocol(hello.protocol, `the app primary of ${name}`, hello.version, 'this daemon');
    return `the app primary of ${name} speaks protocol ${PROTOCOL_VERSION}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
