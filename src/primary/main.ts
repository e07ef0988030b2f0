/**
 * An app primary process, in one of two roles:
 *
 *   node dist/primary/main.js --home HOME --name APP     the primary of one app
 *   node dist/primary/main.js --home HOME --group GROUP  a primary group host
 *
 * The first is one process per app, the node:cluster primary of that app
 * only: spawned detached by the daemon (its own session, so it outlives the
 * daemon), it listens on `run/<app>.sock` and waits for `init` with the
 * spec; it exits once the app has stopped. The second (group-host.ts) is the
 * node:cluster primary of every app the daemon asks it to `host`, each on its
 * own `run/<app>.sock` speaking the same PrimaryApi; it exits once it hosts
 * no app. A daemon that restarts finds either there and adopts it. This file
 * is the process-level part of both: the environment, signals, crashes, the
 * final sweep of the session.
 */
import { parseArgs } from 'node:util';
import { processesInSession } from '../os/liveness';
import { isAppName } from '../protocol/app-name';
import type { Logger } from './app';
import { strictTransitions } from './lifecycle/slot-table';
import { PRIMARY_EXIT_LOCK_HELD } from '../protocol/api';
import { AlreadyRunning } from './control-socket';
import { HostedApp } from './hosted-app';

const { values } = parseArgs({
  options: { home: { type: 'string' }, name: { type: 'string' }, group: { type: 'string' } },
});
const { home, name, group } = values;
const one = name ?? group;
if (!home || (name === undefined) === (group === undefined) || one === undefined || !isAppName(one)) {
  process.stderr.write('usage: primary --home HOME (--name APP | --group GROUP)\n');
  process.exit(2);
}

// Read before the environment goes: under test an illegal worker transition throws.
const strict = strictTransitions();
// Workers get exactly the app's environment (node:cluster merges fork(env)
// over ours), so the primary keeps none of its own.
for (const key of Object.keys(process.env)) Reflect.deleteProperty(process.env, key);

/** What main.ts drives, in either role. */
interface Role {
  log: Logger;
  open(): Promise<void>;
  /** Stops every app's workers (a signal, a crash). */
  stopAll(): Promise<void>;
  /** Removes the socket files and closes the logs, just before exit. */
  closeAll(): void;
}

function ownPrimary(appName: string): Role {
  const hosted = new HostedApp({
    home: home as string,
    name: appName,
    strict,
    group: null,
    onDone: () => finalExit(0),
  });
  return {
    log: hosted.log,
    open: () => hosted.open(),
    stopAll: () => hosted.stop().then(() => undefined),
    closeAll: () => hosted.close(),
  };
}

function groupHost(group: string): Role {
  // Required only in this role: a primary of its own (one per app, its memory a watched figure) never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be under CommonJS
  const { GroupHost } = require('./group-host') as typeof import('./group-host');
  return new GroupHost(home as string, group, strict, (code) => finalExit(code));
}

const role: Role = name !== undefined ? ownPrimary(name) : groupHost(one);

async function shutdown(code: number): Promise<void> {
  try {
    await role.stopAll();
  } catch (err) {
    role.log.error('error while stopping', { err: err instanceof Error ? err.message : String(err) });
  }
  finalExit(code);
}

function finalExit(code: number): never {
  role.log.info(name !== undefined ? 'app primary exiting' : 'group host exiting', { code });
  role.closeAll();
  // Anything a worker started that escaped its tree is still in our session.
  for (const pid of processesInSession(process.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  process.exit(code);
}

role.open().catch((err: unknown) => {
  if (err instanceof AlreadyRunning) {
    process.stderr.write(`${err.message}\n`);
    process.exit(PRIMARY_EXIT_LOCK_HELD);
  }
  throw err;
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    role.log.info(name !== undefined ? 'signal received: stopping the app' : 'signal received: stopping every app', {
      signal: sig,
    });
    void shutdown(0);
  });
}
// A terminal hang-up must not take the app down.
process.on('SIGHUP', () => undefined);
process.on('uncaughtException', (err) => {
  role.log.error('uncaught exception in the app primary', { err: err.stack ?? String(err) });
  void shutdown(1);
});
