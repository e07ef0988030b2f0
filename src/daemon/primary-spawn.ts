/**
 * Getting a fresh app primary to talk to: a process of its own, spawned and
 * waited for on its socket; or, for an app of a primary group, a socket the
 * group's host opens for it. Either way the one who answers is checked.
 */
import { ClusterctlError } from '../protocol/errors';
import { primaryLogPath, primarySocketPath } from '../protocol/paths';
import type { AppSpec } from '../protocol/types';
import { hostInGroup } from './group-hosts';
import { spawnPrimaryProcess } from './primary-process';
import { PRIMARY_EXIT_LOCK_HELD } from '../protocol/api';
import { exitWords, spawnAndConnect } from './spawn-and-connect';

/** What answered on a control socket: its pid (the host's, in a group), its group, and a way to hang up. */
export interface Answering {
  readonly pid: number;
  readonly group: string | null;
  close(): void;
}

export type Connect<H extends Answering> = (socket: string, timeoutMs: number) => Promise<H>;

/** Spawns a primary of the app's own for `spec` and connects to it (it then waits for `init`). */
export function spawnOwnPrimary<H extends Answering>(home: string, spec: AppSpec, connect: Connect<H>): Promise<H> {
  const logPath = primaryLogPath(home, spec.name);
  return spawnAndConnect({
    what: `the app primary of ${spec.name}`,
    socketPath: primarySocketPath(home, spec.name),
    logPath,
    spawn: () => spawnPrimaryProcess(spec.interpreter, home, ['--name', spec.name], logPath),
    takeRunning: false,
    connect,
    // Someone else's primary answered on this socket: not ours to drive.
    refuse: (handle, child) =>
      handle.pid === child?.pid ? null : `socket answered by pid ${handle.pid}, not ${child?.pid}`,
    // The app's lock is held: another primary runs the app, which this start must not take over.
    exitMeans: (ended) =>
      ended.code === PRIMARY_EXIT_LOCK_HELD ? 'another app primary already runs for this app' : exitWords(ended),
    logHint: 'tail',
  });
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
