/**
 * Primary groups seen from the daemon: before an app of group G gets its
 * control socket, the group's host must run (started here when it does
 * not), accept the app's node binary, and open the app's socket (`host`).
 * One ensure runs per group at a time, so apps started or revived together
 * (resurrect, the host's crash) get one host between them, not one each.
 */
import { realpathSync } from 'node:fs';
import { PRIMARY_EXIT_LOCK_HELD } from '../protocol/api';
import type { GroupApi, GroupHello } from '../protocol/group-api';
import { appFileName } from '../protocol/app-name';
import { ClusterctlError } from '../protocol/errors';
import { groupLogPath, groupSocketPath } from '../protocol/paths';
import { RpcConnection, TypedRpc } from '../protocol/rpc-client';
import type { AppSpec } from '../protocol/types';
import { PROTOCOL_VERSION, checkProtocol, packageVersion } from '../protocol/version';
import { spawnPrimaryProcess } from './primary-process';
import { exitWords, spawnAndConnect } from './spawn-and-connect';

/** Where the daemon then speaks PrimaryApi for the app, and the host's pid it must find there. */
export interface HostedSocket {
  socket: string;
  hostPid: number;
}

/** Per home and group (by file form, as the host's socket is named): the ensure in flight. */
const queues = new Map<string, Promise<unknown>>();

/** The host of `spec.primaryGroup` (started if need be) opens the app's socket; serialised per group. */
export function hostInGroup(home: string, spec: AppSpec, group: string): Promise<HostedSocket> {
  const key = `${home}\0${appFileName(group)}`;
  const previous = queues.get(key) ?? Promise.resolve();
  const mine = previous.then(
    () => hostWithRetry(home, spec, group),
    () => hostWithRetry(home, spec, group),
  );
  const tail = mine.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return mine;
}

async function hostWithRetry(home: string, spec: AppSpec, group: string): Promise<HostedSocket> {
  try {
    return await hostOnce(home, spec, group);
  } catch (err) {
    // The host may have exited between our hello and `host` (its last app had
    // just stopped): a second try starts a new one.
    if (!(err instanceof ClusterctlError) || err.code !== 'E_PRIMARY_UNREACHABLE') throw err;
    return hostOnce(home, spec, group);
  }
}

async function hostOnce(home: string, spec: AppSpec, group: string): Promise<HostedSocket> {
  const rpc = await ensureHost(home, spec, group);
  try {
    const hello = await rpc.call('hello', { protocol: PROTOCOL_VERSION, version: packageVersion() }, helloTimeout);
    checkProtocol(hello.protocol, `the host of primary group ${group}`, hello.version, 'this daemon');
    refuseOtherNode(spec, group, hello);
    const { socket } = await rpc.call('host', { name: spec.name }, { timeoutMs: 10000 });
    return { socket, hostPid: hello.pid };
  } catch (err) {
    if (err instanceof ClusterctlError && err.code === 'E_TIMEOUT') {
      throw new ClusterctlError('E_PRIMARY_UNREACHABLE', `the host of primary group ${group}: ${err.message}`);
    }
    throw err;
  } finally {
    rpc.close();
  }
}

const helloTimeout = { timeoutMs: 5000 };

/**
 * Before an app leaves where it runs for group G (restart): refuses now,
 * with the app still running, what the host of G would refuse later. No
 * host running: nothing to refuse (the app's own node starts one).
 */
export async function checkJoin(home: string, spec: AppSpec, group: string): Promise<void> {
  let connection: RpcConnection;
  try {
    connection = await RpcConnection.connect(groupSocketPath(home, group), {
      code: 'E_PRIMARY_UNREACHABLE',
      peer: `the host of primary group ${group}`,
      timeoutMs: 1000,
    });
  } catch {
    return;
  }
  const rpc = new TypedRpc<GroupApi>(connection);
  try {
    const hello = await rpc.call('hello', { protocol: PROTOCOL_VERSION, version: packageVersion() }, helloTimeout);
    checkProtocol(hello.protocol, `the host of primary group ${group}`, hello.version, 'this daemon');
    refuseOtherNode(spec, group, hello);
    refuseOtherScheduling(spec, group, hello);
  } finally {
    rpc.close();
  }
}

/** Every app of a group runs on the host's node: an app that asks for another is refused, not moved. */
function refuseOtherNode(spec: AppSpec, group: string, hello: GroupHello): void {
  const wanted = realPath(spec.interpreter);
  const runs = realPath(hello.interpreter);
  if (wanted === runs) return;
  throw new ClusterctlError(
    'E_GROUP_CONFLICT',
    `${spec.name} asks for node ${spec.interpreter}, but primary group ${group} runs on ${hello.interpreter} (host pid ${hello.pid}): start it with --interpreter ${hello.interpreter}, or give it another --primary-group or none (its own primary)`,
  );
}

/**
 * A host's node:cluster has one scheduling policy, frozen by its first cluster-mode app
 * (group-context.ts): an app that asks for the other is refused before it is stopped where it
 * runs, even when the daemon knows no live cluster app of the group (the host runs fork apps only).
 */
function refuseOtherScheduling(spec: AppSpec, group: string, hello: GroupHello): void {
  if (spec.execMode !== 'cluster' || hello.scheduling === null || hello.scheduling === spec.scheduling) return;
  throw new ClusterctlError(
    'E_GROUP_CONFLICT',
    `app ${spec.name} asks for scheduling ${spec.scheduling}, but primary group ${group} balances connections with ${hello.scheduling} (node:cluster has one policy per process; host pid ${hello.pid}): give it --scheduling ${hello.scheduling}, or another --primary-group or none (its own primary)`,
  );
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * A connection to the group's host: the one that answers, or one started
 * now. A host that exits 3 lost the lock to another (a host started at the
 * same time, or one still exiting): we connect to whoever holds the socket.
 * Any host that answers is taken here; hostOnce then checks its hello.
 */
function ensureHost(home: string, spec: AppSpec, group: string): Promise<TypedRpc<GroupApi>> {
  const logPath = groupLogPath(home, group);
  const peer = `the host of primary group ${group}`;
  return spawnAndConnect({
    what: peer,
    socketPath: groupSocketPath(home, group),
    logPath,
    spawn: () => spawnPrimaryProcess(spec.interpreter, home, ['--group', group], logPath),
    takeRunning: true,
    connect: async (socket, timeoutMs) =>
      new TypedRpc<GroupApi>(await RpcConnection.connect(socket, { code: 'E_PRIMARY_UNREACHABLE', peer, timeoutMs })),
    refuse: () => null,
    exitMeans: (ended) => (ended.code === PRIMARY_EXIT_LOCK_HELD ? null : exitWords(ended)),
    logHint: 'path',
  });
}
