/**
 * Every error a user can see is created from this table: a stable code, the
 * exit status the CLI returns for it, and a message written for the person
 * who has to act on it. The README lists every code (a unit test checks).
 */
import { MAX_APP_NAME_BYTES } from './app-name';

export const ERROR_CODES = {
  E_USAGE: { exit: 2, summary: 'The command line is malformed (bad option value, missing argument).' },
  E_SCRIPT_MISSING: { exit: 2, summary: 'The script does not exist, is a directory, or cannot be read.' },
  E_BAD_NAME: {
    exit: 2,
    summary: `The app name is not allowed (empty, "/", a control character, or over ${MAX_APP_NAME_BYTES} bytes).`,
  },
  E_BAD_SPEC: { exit: 2, summary: 'An app spec failed validation.' },
  E_CONFIG: { exit: 2, summary: 'A config file is missing, does not parse, or fails validation.' },
  E_APP_EXISTS: { exit: 1, summary: 'An app with that name already exists.' },
  E_NAME_CLASH: {
    exit: 1,
    summary: 'Another app has a name with the same file form (its logs and socket would be shared); rename one.',
  },
  E_GROUP_CONFLICT: {
    exit: 1,
    summary:
      'The app cannot join that primary group: it asks for another node binary or another connection scheduling than the host of the group runs, or a port another app of the group serves.',
  },
  E_APP_NOT_FOUND: { exit: 1, summary: 'No app matches the name given.' },
  E_START_FAILED: { exit: 1, summary: 'A worker could not come online (it threw, exited, or its port was taken).' },
  E_RELOAD_FAILED: { exit: 1, summary: 'A replacement worker did not come online; the old workers keep serving.' },
  E_BUSY: { exit: 1, summary: 'Another operation on that app is in progress.' },
  E_DAEMON_UNREACHABLE: { exit: 3, summary: 'The daemon could not be reached or started.' },
  E_PRIMARY_UNREACHABLE: { exit: 3, summary: 'The app primary could not be reached.' },
  E_PROTOCOL: { exit: 3, summary: 'A malformed or oversized message was received on a socket.' },
  E_PROTOCOL_MISMATCH: { exit: 3, summary: 'The peer speaks another protocol version (run `clusterctl update`).' },
  E_UNKNOWN_METHOD: { exit: 3, summary: 'The peer does not know the method (it may be older than this CLI).' },
  E_TIMEOUT: { exit: 1, summary: 'An operation did not finish before its deadline.' },
  E_DUMP: { exit: 1, summary: 'The saved dump is missing, corrupt, or would be overwritten by an empty list.' },
  E_FILE_EXISTS: {
    exit: 1,
    summary: 'A file to write already exists and was left alone, or a file to remove was not written by clusterctl.',
  },
  E_DAEMON_RUNNING: { exit: 1, summary: 'A daemon already runs for this CLUSTERCTL_HOME (`clusterctl daemon run`).' },
  E_PERMISSION: { exit: 1, summary: 'Writing there needs root (the error says the exact command to run instead).' },
  E_NOT_AVAILABLE: {
    exit: 2,
    summary: 'The command is not available under `clusterctl run` (stop the container instead).',
  },
  E_INTERNAL: { exit: 70, summary: 'A bug in clusterctl: please report it with the daemon log.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export class ClusterctlError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ClusterctlError';
    this.code = code;
  }
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}

/** Turns anything thrown into a payload that can cross a socket. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof ClusterctlError) return err.toPayload();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'E_INTERNAL', message };
}
