/**
 * `clusterctl run`: the apps' primaries in the foreground, owned by this
 * process, with no background daemon. It is the daemon's runtime (its app
 * manager, launch, revival and handlers) run in-process instead of detached:
 * it holds the home's daemon lock, serves daemon.sock (so `clusterctl ls`,
 * `reload`, `scale` from `docker exec` work unchanged), starts one app
 * primary per app with its output on our stdout and stderr, and ends when
 * it is told to (a signal) or when the apps cannot be kept up (verdict.ts).
 *
 *   SIGTERM, SIGINT  every app stopped gracefully (drain, stop signal, kill
 *                    timeout), bounded by --stop-timeout; exit 0
 *   the same again   while stopping: SIGKILL every process at once; exit 128+n
 *   SIGHUP           rolling reload of every app
 */
import { rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { constants } from 'node:os';
import { homePaths, lockName, resolveHome } from '../protocol/paths';
import { ClusterctlError } from '../protocol/errors';
import type { AppInfo, AppSpec } from '../protocol/types';
import { killSession } from '../os/session';
import { inheritPrimaryOutput } from '../daemon/app-primary';
import type { AppManager } from '../daemon/apps';
import type { DaemonContext } from '../daemon/context';
import { createManager, prepareHome, serveSocket } from '../daemon/daemon';
import { killAll } from '../daemon/handlers/kill';
import { reloadApps } from '../daemon/handlers/reload';
import { startApp } from '../daemon/handlers/start';
import { acquireLock } from '../daemon/lock';
import { createLogger } from '../daemon/logger';
import { runnerHandlers } from './handlers';
import { verdict, type Verdict } from './verdict';
import { ChangeFeed } from '../daemon/change-feed';
import { WebEndpoint } from '../daemon/http/endpoint';
import { createProcessMetrics } from '../observe/metrics';

const WATCH_EVERY_MS = 200;

export interface ForegroundOptions {
  /** Bound on the whole stop after SIGTERM/SIGINT, in ms: then every process is SIGKILLed. */
  stopTimeoutMs: number;
  /** Called once the apps are started, with a way to read them (the --http endpoint). */
  onStarted?: (apps: () => AppInfo[]) => Promise<() => void>;
}

function say(line: string): void {
  process.stderr.write(`clusterctl run: ${line}\n`);
}

function killEverything(manager: AppManager): void {
  // Apps of one primary group share their host's pid: each session once.
  const sessions = new Set(manager.registry.all().flatMap((e) => (e.primary ? [e.primary.pid] : [])));
  for (const pid of sessions) killSession(pid);
}

function signalNumber(sig: NodeJS.Signals): number {
  return (constants.signals as Record<string, number | undefined>)[sig] ?? 15;
}

function serve(ctx: DaemonContext): Promise<Server> {
  return serveSocket(ctx.paths, runnerHandlers(ctx), ctx.logger);
}

/** Starts every app; a primary that cannot run at all ends the run (its worker failures are the policy's). */
async function startAll(manager: AppManager, specs: readonly AppSpec[]): Promise<Verdict | null> {
  const results = await Promise.allSettled(specs.map((s) => startApp(manager, s)));
  for (const [i, r] of results.entries()) {
    if (r.status === 'fulfilled') continue;
    const why = r.reason instanceof Error ? r.reason.message : String(r.reason);
    const name = specs[i]?.name ?? '?';
    if (!manager.registry.all().some((e) => e.name === name)) return { code: 1, why: `${name}: ${why}` };
    say(`${name}: ${why.split('\n')[0] ?? why} (the restart policy decides what follows)`);
  }
  return null;
}

/** The one stop of a run: graceful first, bounded by the stop timeout; a second signal kills at once. */
class Stopper {
  stopping = false;
  readonly finished: Promise<number>;
  private finish: (code: number) => void = () => undefined;

  constructor(
    private readonly manager: AppManager,
    private readonly timeoutMs: number,
  ) {
    this.finished = new Promise<number>((resolve) => (this.finish = resolve));
  }

  stop(code: number, why: string): void {
    if (this.stopping) return;
    this.stopping = true;
    say(`${why}: stopping every app (at most ${this.timeoutMs} ms)`);
    const failed = code === 0 ? 1 : code;
    const timer = setTimeout(() => {
      say(`the stop took longer than ${this.timeoutMs} ms: killing every process`);
      killEverything(this.manager);
      this.finish(failed);
    }, this.timeoutMs);
    killAll(this.manager)
      .then(
        () => this.finish(code),
        () => this.finish(failed),
      )
      .finally(() => clearTimeout(timer));
  }

  /** SIGTERM/SIGINT stop (the second one kills), SIGHUP reloads every app. */
  wireSignals(): void {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.on(sig, () => {
        if (!this.stopping) {
          this.stop(0, `${sig} received`);
          return;
        }
        say(`${sig} again: killing every process now`);
        killEverything(this.manager);
        this.finish(128 + signalNumber(sig));
      });
    }
    process.on('SIGHUP', () => {
      if (this.stopping) return;
      say('SIGHUP received: reloading every app');
      reloadApps(this.manager, 'all').then(
        () => say('every app reloaded'),
        (err: unknown) => say(`reload failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
  }
}

export async function runForeground(specs: readonly AppSpec[], opts: ForegroundOptions): Promise<number> {
  const paths = homePaths(resolveHome());
  prepareHome(paths);
  const lock = await acquireLock(lockName(paths.home, 'daemon'));
  if (!lock)
    throw new ClusterctlError(
      'E_DAEMON_RUNNING',
      `a daemon already runs for ${paths.home}; give clusterctl run a home of its own (CLUSTERCTL_HOME=...) or stop it with \`clusterctl kill\``,
    );
  inheritPrimaryOutput();
  const logger = createLogger(paths.daemonLog);
  const feed: ChangeFeed = new ChangeFeed(
    () => manager.list(),
    (err) => logger.error({ err }, 'a change listener failed'),
  );
  const manager = createManager(paths, logger, feed);
  const stopper = new Stopper(manager, opts.stopTimeoutMs);
  stopper.wireSignals();

  let web: WebEndpoint | undefined;
  const ctx: DaemonContext = {
    paths,
    manager,
    logger,
    feed,
    metrics: createProcessMetrics(),
    startedAt: Date.now(),
    exit: () => stopper.stop(0, 'kill requested'),
    // The HTTP endpoint of `run` is --http (src/runner/http.ts); the daemon's `web` verbs are refused here.
    get web(): WebEndpoint {
      web ??= new WebEndpoint(ctx);
      return web;
    },
  };
  const server = await serve(ctx);
  const early = await startAll(manager, specs);
  if (early) stopper.stop(early.code, early.why);
  const closeHttp = opts.onStarted && !stopper.stopping ? await opts.onStarted(() => manager.list()) : null;

  const watch = setInterval(() => {
    if (stopper.stopping) return;
    const v = verdict(manager.list());
    if (v) stopper.stop(v.code, v.why);
  }, WATCH_EVERY_MS);

  const code = await stopper.finished;
  clearInterval(watch);
  closeHttp?.();
  server.close();
  rmSync(paths.socket, { force: true });
  rmSync(paths.pidFile, { force: true });
  lock.close();
  return code;
}
