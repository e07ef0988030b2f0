/**
 * The app primary: one process per app, the node:cluster primary of that app
 * only. Spawned detached by the daemon (its own session, so it outlives the
 * daemon), it listens on `run/<app>.sock` and waits for `init` with the spec.
 * A daemon that restarts finds it there and adopts it.
 *
 *   node dist/primary/main.js --home HOME --name APP
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { parseArgs } from 'node:util';
import { defaultSpec, OWN_LOG_ROTATION } from '../config/defaults';
import type { PrimaryStatus } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { processesInSession } from '../os/liveness';
import { createRotatingDestination } from '../logfile/destination';
import { primaryLockName, primaryLogPath, primarySocketPath } from '../protocol/paths';
import { createRpcServer, type Handlers } from '../protocol/rpc-server';
import { primaryParams } from '../protocol/primary-params';
import { isAppName } from '../protocol/app-name';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import { App, type Logger } from './app';
import { strictTransitions } from './lifecycle/slot-table';
import { init } from './ops/init';
import { reload } from './ops/reload';
import { restart } from './ops/restart';
import { scale } from './ops/scale';
import { stopAll } from './ops/stop';
import { signalWorkers } from './ops/signal';
import { envOf } from './ops/env';
import { flushHandler, reopenLogsHandler } from './logs/handlers';
import { gatherWorkerMetrics } from './metrics';
import { Triggers } from './mechanisms/triggers';

/** A primary nobody initialises (its daemon died right after spawning it) goes away. */
const INIT_DEADLINE_MS = 30000;
/** Exit code when another primary already runs this app. */
const EXIT_ALREADY_RUNNING = 3;

const { values } = parseArgs({ options: { home: { type: 'string' }, name: { type: 'string' } } });
const home = values.home;
const name = values.name;
if (!home || !name || !isAppName(name)) {
  process.stderr.write('usage: primary --home HOME --name APP\n');
  process.exit(2);
}

// Read before the environment goes: under test an illegal worker transition throws.
const strict = strictTransitions();
// Workers get exactly the app's environment (node:cluster merges fork(env)
// over ours), so the primary keeps none of its own.
for (const key of Object.keys(process.env)) Reflect.deleteProperty(process.env, key);

const log: Logger = {
  info: (msg, fields) => writeLog('info', msg, fields),
  warn: (msg, fields) => writeLog('warn', msg, fields),
  error: (msg, fields) => writeLog('error', msg, fields),
};

// The primary's own log, one JSON object per line, rotated like daemon.log.
// (Its stdout and stderr, opened by the daemon on the same file, only ever
// carry a crash of the primary itself.)
const ownLog = createRotatingDestination(primaryLogPath(home, name), {
  ...OWN_LOG_ROTATION,
  onError: (err) => process.stderr.write(`cannot write the primary's log: ${err.message}\n`),
});

function writeLog(level: string, msg: string, fields?: Record<string, unknown>): void {
  ownLog.write(
    JSON.stringify({ time: new Date().toISOString(), level, app: name, primaryPid: process.pid, msg, ...fields }) +
      '\n',
  );
}

let app: App | null = null;
const triggers = new Triggers(home);
let stopping: Promise<PrimaryStatus> | null = null;
let server: Server | null = null;
const socketPath = primarySocketPath(home, name);

function placeholderStatus(): PrimaryStatus {
  return {
    pid: process.pid,
    name: name as string,
    initialised: false,
    spec: defaultSpec(home as string, name as string, socketPath, home as string, {}),
    workers: [],
    busy: null,
    startedAt: Date.now(),
    protocol: PROTOCOL_VERSION,
    version: packageVersion(),
  };
}

function requireApp(): App {
  if (!app) throw new ClusterctlError('E_PRIMARY_UNREACHABLE', `the app primary of ${name} has not been initialised`);
  return app;
}

/** Stops every worker and closes the logs: once, however many ask (a `stop` call, a signal). */
function stopApp(): Promise<PrimaryStatus> {
  stopping ??= (async () => {
    if (!app) return placeholderStatus();
    await triggers.close();
    const status = await stopAll(app);
    await app.logs.close();
    return status;
  })();
  return stopping;
}

async function shutdown(code: number): Promise<void> {
  try {
    await stopApp();
  } catch (err) {
    log.error('error while stopping', { err: err instanceof Error ? err.message : String(err) });
  }
  finalExit(code);
}

function finalExit(code: number): void {
  server?.close();
  try {
    unlinkSync(socketPath);
  } catch {
    /* already gone */
  }
  // Anything a worker started that escaped its tree is still in our session.
  for (const pid of processesInSession(process.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  log.info('app primary exiting', { code });
  process.exit(code);
}

const handlers: Handlers = {
  hello: (params) => {
    primaryParams.hello(params);
    return app ? app.status() : placeholderStatus();
  },
  init: async (params) => {
    const { spec } = primaryParams.init(params);
    if (spec.name !== name) throw new ClusterctlError('E_BAD_SPEC', `this primary runs ${name}, not ${spec.name}`);
    if (!app) {
      clearTimeout(initTimer);
      app = new App(spec, log, strict);
      log.info('initialising', { instances: spec.instances, script: spec.script });
      await triggers.sync(app);
    }
    return init(app);
  },
  status: (params) => {
    primaryParams.status(params);
    return app ? app.status() : placeholderStatus();
  },
  subscribe: (params, ctx) => {
    primaryParams.subscribe(params);
    const a = requireApp();
    ctx.emit('status', a.status());
    const off = a.subscribe((s) => ctx.emit('status', s));
    const offMetrics = a.subscribeMetrics((m) => ctx.emit('metrics', m));
    return new Promise<null>((resolve) =>
      ctx.onClose(() => {
        off();
        offMetrics();
        resolve(null);
      }),
    );
  },
  stop: async (params, ctx) => {
    primaryParams.stop(params);
    const status = await stopApp();
    ctx.afterReply(() => finalExit(0));
    return status;
  },
  restart: (params) => {
    const { spec } = primaryParams.restart(params);
    const a = requireApp();
    return restart(a, spec).finally(() => triggers.sync(a));
  },
  reload: (params, ctx) => {
    const { spec, parallel } = primaryParams.reload(params);
    const a = requireApp();
    return reload(a, spec, parallel, (e) => ctx.emit('progress', e)).finally(() => triggers.sync(a));
  },
  scale: (params) => {
    const { instances } = primaryParams.scale(params);
    return scale(requireApp(), instances);
  },
  flush: flushHandler(() => requireApp().logs),
  reopenLogs: reopenLogsHandler(() => requireApp().logs),
  metrics: (params) => {
    const { timeoutMs } = primaryParams.metrics(params);
    return gatherWorkerMetrics(name, timeoutMs);
  },
  signal: (params) => {
    const { signal, instance } = primaryParams.signal(params);
    return signalWorkers(requireApp(), signal, instance);
  },
  env: (params) => {
    const { instance } = primaryParams.env(params);
    return envOf(requireApp(), instance);
  },
};

const initTimer = setTimeout(() => {
  log.warn('no init received; exiting', { afterMs: INIT_DEADLINE_MS });
  finalExit(0);
}, INIT_DEADLINE_MS);

// An abstract socket is our lock: the kernel drops it when we die, so a
// crashed primary never leaves a stale lock behind.
const lock = createServer();
lock.once('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') {
    process.stderr.write(`another app primary already runs ${name}\n`);
    process.exit(EXIT_ALREADY_RUNNING);
  }
  throw err;
});
lock.listen(primaryLockName(home, name), () => {
  // We hold the lock: any socket file at our path is a dead primary's.
  try {
    unlinkSync(socketPath);
  } catch {
    /* none */
  }
  server = createRpcServer(handlers, {
    onInternalError: (method, err) =>
      log.error('handler failed', { method, err: err instanceof Error ? err.stack : String(err) }),
    onProtocolError: (message) => log.warn('protocol error', { message }),
  });
  server.listen(socketPath, () => {
    chmodSync(socketPath, 0o600);
    log.info('app primary listening', { socket: socketPath });
  });
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    log.info('signal received: stopping the app', { signal: sig });
    void shutdown(0);
  });
}
// A terminal hang-up must not take the app down.
process.on('SIGHUP', () => undefined);
process.on('uncaughtException', (err) => {
  log.error('uncaught exception in the app primary', { err: err.stack ?? String(err) });
  void shutdown(1);
});
