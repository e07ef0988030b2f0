/**
 * Getting a fresh app primary to talk to: a process of its own, spawned and
 * waited for on its socket; or, for an app of a primary group, a socket the
 * group's host opens for it. Either way the one who answers is checked.
 */
import { ClusterctlError } from '../protocol/errors';
import { killSession } from '../os/session';
import { logTail } from '../os/spawn-detached';
import { primaryLogPath, primarySocketPath } from '../protocol/paths';
import type { AppSpec } from '../protocol/types';
import { hostInGroup } from './group-hosts';
import { spawnPrimaryProcess } from './primary-process';

const CONNECT_DEADLINE_MS = 10000;

/** What answered on a control socket: its pid (the host's, in a group), its group, and a way to hang up. */
export interface Answering {
  readonly pid: number;
  readonly group: string | null;
  close(): void;
}

export type Connect<H extends Answering> = (socket: string, timeoutMs: number) => Promise<H>;

/** Spawns a primary of the app's own for `spec` and connects to it (it then waits for `init`). */
export async function spawnOwnPrimary<H extends Answering>(
  home: string,
  spec: AppSpec,
  connect: Connect<H>,
): Promise<H> {
  const logPath = primaryLogPath(home, spec.name);
  const child = spawnPrimaryProcess(spec.interpreter, home, ['--name', spec.name], logPath);
  const { pid } = child;
  const socketPath = primarySocketPath(home, spec.name);
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  let lastError = 'no answer';
  for (;;) {
    const ended = child.exited();
    if (ended !== null) {
      const how =
        ended.code === 3
          ? 'another app primary already runs for this app'
          : `it exited (${ended.code !== null ? `code ${ended.code}` : (ended.signal ?? 'unknown')})`;
      throw new ClusterctlError(
        'E_START_FAILED',
        `the app primary of ${spec.name} did not start: ${how}${logTail(logPath)}`,
      );
    }
    if (pid !== undefined) {
      try {
        const handle = await connect(socketPath, 1000);
        if (handle.pid === pid) return handle;
        // Someone else's primary answered on this socket: not ours to drive.
        handle.close();
        lastError = `socket answered by pid ${handle.pid}, not ${pid}`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    if (Date.now() > deadline) {
      if (pid !== undefined) killSession(pid);
      throw new ClusterctlError(
        'E_START_FAILED',
        `the app primary of ${spec.name} did not answer within ${CONNECT_DEADLINE_MS} ms (${lastError})${logTail(logPath)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The group's host (started if need be) opens the app's socket; we connect there and check who answers. */
export async function joinGroup<H extends Answering>(
  home: string,
  spec: AppSpec,
  group: string,
  connect: Connect<H>,
): Promise<H> {
  const { socket, hostPid } = await hostInGroup(home, spec, group);
  const handle = await connect(socket, 5000);
  if (handle.group === group && handle.pid === hostPid) return handle;
  handle.close();
  throw new ClusterctlError(
    'E_START_FAILED',
    `the socket of ${spec.name} answered as pid ${handle.pid} (group ${handle.group ?? 'none'}), not as the host of primary group ${group} (pid ${hostPid})`,
  );
}
