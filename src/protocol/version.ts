/** The versions every peer states in its first exchange, and the check made on them. */
import { ClusterctlError } from './errors';

/** Bumped when a message changes shape in a way an older peer cannot read. */
export const PROTOCOL_VERSION = 1;

let cached: string | undefined;
/** The package version, from package.json beside dist/ (read once, through require's cache). */
export function packageVersion(): string {
  if (cached === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file sits outside rootDir; require reads it at run time
    const raw: unknown = require('../../package.json');
    cached =
      typeof raw === 'object' && raw !== null && typeof (raw as { version?: unknown }).version === 'string'
        ? (raw as { version: string }).version
        : '0.0.0';
  }
  return cached;
}

/**
 * Refuses a peer that speaks another protocol version: its messages may mean
 * something else, so nothing is guessed. `peer` names the other side for the
 * message ("the daemon", "the app primary of web"), `self` names this side.
 */
export function checkProtocol(theirs: unknown, peer: string, peerVersion?: unknown, self = 'this clusterctl'): void {
  if (theirs === PROTOCOL_VERSION) return;
  const version = typeof peerVersion === 'string' ? ` (clusterctl ${peerVersion})` : '';
  throw new ClusterctlError(
    'E_PROTOCOL_MISMATCH',
    `${peer}${version} speaks protocol ${String(theirs)}, ${self} (clusterctl ${packageVersion()}) speaks ${PROTOCOL_VERSION}; run \`clusterctl update\` to replace the daemon by the installed version`,
  );
}
