/**
 * Starting a primary process and waiting until it answers on its control
 * socket: the one loop behind an app's own primary (primary-spawn.ts) and a
 * primary group's host (group-hosts.ts), so the deadline, the poll, the kill
 * on timeout and the messages are written once. Each round asks the socket:
 * whoever answers and passes the caller's check is returned. Otherwise the
 * exit of the process we spawned decides (a failure, or a lost race for the
 * lock: spawn again and connect to whoever won); past the deadline the
 * process's session is killed.
 */
import { ClusterctlError } from '../protocol/errors';
import { killSession } from '../os/session';
import { logTail, type DetachedExit, type DetachedProcess } from '../os/spawn-detached';

const START_DEADLINE_MS = 10000;
const CONNECT_TIMEOUT_MS = 1000;
const POLL_MS = 25;

export interface SpawnAndConnect<H extends { close(): void }> {
  /** Who, in the messages: `the app primary of web`, `the host of primary group g`. */
  what: string;
  socketPath: string;
  logPath: string;
  spawn(): DetachedProcess;
  /**
   * True: whoever already answers on the socket is taken, and a process is
   * spawned only when nobody does (a group's host). False: one is spawned
   * before the first try (an app's own primary: it must be the one we spawned).
   */
  takeRunning: boolean;
  connect(socket: string, timeoutMs: number): Promise<H>;
  /** Why the one that answered is not the one wanted (it is hung up on, and we try again), or null: return it. */
  refuse(handle: H, child: DetachedProcess | null): string | null;
  /**
   * What the spawned process's exit means: the words after "did not start: ",
   * or null for a lost race for the lock (spawn another; whoever holds the
   * socket answers the next round).
   */
  exitMeans(ended: DetachedExit): string | null;
  /** How the timeout message points to the log: its last lines, or its path. */
  logHint: 'tail' | 'path';
  /** Tests pass a short one. */
  deadlineMs?: number;
}

/** `it exited (code 1)`, `it exited (SIGKILL)`: a spawned process's exit, as the start failure says it. */
export function exitWords(ended: DetachedExit): string {
  return `it exited (${ended.code !== null ? `code ${ended.code}` : (ended.signal ?? 'unknown')})`;
}

export async function spawnAndConnect<H extends { close(): void }>(opts: SpawnAndConnect<H>): Promise<H> {
  const deadlineMs = opts.deadlineMs ?? START_DEADLINE_MS;
  const deadline = Date.now() + deadlineMs;
  let child = opts.takeRunning ? null : opts.spawn();
  let lastError: string;
  for (;;) {
    try {
      const handle = await opts.connect(opts.socketPath, CONNECT_TIMEOUT_MS);
      const refused = opts.refuse(handle, child);
      if (refused === null) return handle;
      handle.close();
      lastError = refused;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    const ended = child?.exited() ?? null;
    if (ended !== null) {
      const failure = opts.exitMeans(ended);
      if (failure !== null) {
        throw new ClusterctlError('E_START_FAILED', `${opts.what} did not start: ${failure}${logTail(opts.logPath)}`);
      }
      child = null;
    }
    if (Date.now() > deadline) {
      if (child?.pid !== undefined) killSession(child.pid);
      const hint = opts.logHint === 'tail' ? logTail(opts.logPath) : `; see ${opts.logPath}`;
      throw new ClusterctlError(
        'E_START_FAILED',
        `${opts.what} did not answer within ${deadlineMs} ms (${lastError})${hint}`,
      );
    }
    child ??= opts.spawn();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
