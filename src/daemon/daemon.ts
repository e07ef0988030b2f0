/**
 * The daemon process: one per CLUSTERCTL_HOME. It takes the home's lock,
 * replaces a stale socket, serves the CLI over daemon.sock, adopts the app
 * primaries still running, and keeps state.json current. SIGTERM/SIGINT end
 * the daemon only; the apps keep running and the next daemon adopts them.
 * Only `kill` stops the apps.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { homePaths, lockName, type HomePaths } from '../protocol/paths';
import { createRpcServer, type Handlers } from '../protocol/rpc-server';
import { packageVersion } from '../protocol/version';
import { usableCpus } from '../config/instances';
import { restore } from './adoption';
import { AppManager } from './apps';
import { ChangeFeed } from './change-feed';
import type { DaemonContext } from './context';
import { daemonHandlers } from './handlers';
import { acquireLock } from './lock';
import { createLogger, type Logger } from './logger';
import { Registry } from './registry';
import { WebEndpoint } from './http/endpoint';
import { createProcessMetrics } from '../observe/metrics';

export function prepareHome(paths: HomePaths): void {
  for (const dir of [paths.home, paths.runDir, paths.logsDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
}

export function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

/**
 * Serves `handlers` on daemon.sock (0600) and writes daemon.pid: the daemon and
 * `clusterctl run` alike. Called with the home's lock held, so no live daemon
 * owns the socket file and whatever is there is stale.
 */
export async function serveSocket(paths: HomePaths, handlers: Handlers, logger: Logger): Promise<Server> {
  const server = createRpcServer(handlers, {
    onInternalError: (method, err) => logger.error({ method, err }, 'handler failed'),
    onProtocolError: (message) => logger.warn({ message }, 'protocol error from a client'),
  });
  rmSync(paths.socket, { force: true });
  await listen(server, paths.socket);
  chmodSync(paths.socket, 0o600);
  writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 });
  return server;
}

export function createManager(paths: HomePaths, logger: Logger, feed: ChangeFeed): AppManager {
  const registry = new Registry(
    paths.stateFile,
    (err) => logger.error({ err }, 'cannot write state.json'),
    (err) =>
      logger.error({ app: err.app, phase: err.from, event: err.event }, `refused a lifecycle event: ${err.message}`),
    () => feed.notify(),
  );
  return new AppManager({
    home: paths.home,
    runDir: paths.runDir,
    stateFile: paths.stateFile,
    registry,
    logger,
    cpus: () => usableCpus(),
  });
}

function onProcessEvents(logger: Logger, exit: (why: string) => void): void {
  process.on('SIGTERM', () => exit('SIGTERM'));
  process.on('SIGINT', () => exit('SIGINT'));
  process.on('SIGHUP', () => {
    /* a closed terminal is no reason for a daemon to end */
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    exit('uncaught exception');
  });
  process.on('unhandledRejection', (err) => {
    logger.error({ err }, 'unhandled rejection');
  });
}

export async function runDaemon(home: string): Promise<void> {
  const paths = homePaths(home);
  prepareHome(paths);
  const lock = await acquireLock(lockName(paths.home, 'daemon'));
  if (!lock) {
    // Another daemon owns this home (two CLIs raced to start one): it serves them both.
    process.exit(0);
  }
  const logger = createLogger(paths.daemonLog);
  const startedAt = Date.now();
  // The feed reads the manager (once it is listened to); the manager's registry tells the feed.
  const feed: ChangeFeed = new ChangeFeed(
    () => manager.list(),
    (err) => logger.error({ err }, 'a change listener failed'),
  );
  const manager = createManager(paths, logger, feed);
  const registry = manager.registry;

  let server: Server | null = null;
  let exiting = false;
  const exit = (why: string): void => {
    if (exiting) return;
    exiting = true;
    logger.info({ why }, 'daemon exiting');
    manager.detachAll();
    feed.close();
    server?.close();
    rmSync(paths.socket, { force: true });
    rmSync(paths.pidFile, { force: true });
    lock.close();
    process.exit(0);
  };

  // The endpoint reads the context it is part of: a getter closes the loop.
  let web: WebEndpoint | null = null;
  const ctx: DaemonContext = {
    paths,
    manager,
    logger,
    feed,
    metrics: createProcessMetrics(),
    startedAt,
    exit,
    get web(): WebEndpoint {
      web ??= new WebEndpoint(ctx);
      return web;
    },
  };

  onProcessEvents(logger, exit);

  // Adopt the running primaries before answering anyone, so the first `ls` shows them.
  await restore(manager);

  server = await serveSocket(paths, daemonHandlers(ctx), logger);
  logger.info({ home: paths.home, version: packageVersion(), apps: registry.size }, 'daemon ready');
  // Off unless `clusterctl web` turned it on (web.json); a port in use is logged and shown by `web`.
  await ctx.web.start();
}
