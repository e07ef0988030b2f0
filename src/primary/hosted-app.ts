/**
 * One app as a primary runs it, whether that primary is the app's own
 * process or a primary group host running several: its lock, its control
 * socket `run/<app>.sock` speaking PrimaryApi (primary-handlers.ts), its own
 * log, its App once `init` came, its watch and cron triggers, the stop that
 * happens once however many ask, and the init deadline. What the process
 * does when the app is done (exit, or just close it) is the caller's
 * (`onDone`): main.ts for an own primary, group-host.ts for a host.
 */
import { defaultSpec, OWN_LOG_ROTATION } from '../config/defaults';
import type { PrimaryStatus } from '../protocol/api';
import { ClusterctlError } from '../protocol/errors';
import { createRotatingDestination, type RotatingDestination } from '../logfile/destination';
import { primaryLockName, primaryLogPath, primarySocketPath } from '../protocol/paths';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import { App, type Logger } from './app';
import { ControlSocket } from './control-socket';
import type { GroupContext } from './group-context';
import { Triggers } from './mechanisms/triggers';
import { stopAll } from './ops/stop';
import { primaryHandlers } from './primary-handlers';

/** An app nobody initialises (its daemon died right after asking for it) goes away. */
export const INIT_DEADLINE_MS = 30000;

export interface HostedAppOptions {
  home: string;
  name: string;
  /** Under test an illegal worker transition throws (read before the environment was cleared). */
  strict: boolean;
  /** The group host it runs in, or null: a primary of its own. */
  group: GroupContext | null;
  /** The app is done (its `stop` replied, or no `init` came in time): exit, or close it. */
  onDone: (hosted: HostedApp) => void;
}

export class HostedApp {
  readonly name: string;
  readonly home: string;
  readonly socketPath: string;
  readonly group: GroupContext | null;
  readonly triggers: Triggers;
  readonly log: Logger;
  readonly strict: boolean;
  app: App | null = null;
  /** Resolves once close() ran: the socket, the lock and the log are gone. */
  readonly closed: Promise<void>;
  private resolveClosed: () => void = () => undefined;
  private stopping: Promise<PrimaryStatus> | null = null;
  private readonly control: ControlSocket;
  private readonly ownLog: RotatingDestination;
  private readonly startedAt = Date.now();
  private initTimer: NodeJS.Timeout | null;
  private isClosed = false;

  constructor(private readonly opts: HostedAppOptions) {
    this.name = opts.name;
    this.home = opts.home;
    this.group = opts.group;
    this.strict = opts.strict;
    this.socketPath = primarySocketPath(opts.home, opts.name);
    this.triggers = new Triggers(opts.home);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    // The app's own log, one JSON object per line, rotated like daemon.log.
    this.ownLog = createRotatingDestination(primaryLogPath(opts.home, opts.name), {
      ...OWN_LOG_ROTATION,
      onError: (err) => process.stderr.write(`cannot write the primary's log: ${err.message}\n`),
    });
    const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => this.write(level, msg, fields);
    this.log = { info: write('info'), warn: write('warn'), error: write('error') };
    this.control = new ControlSocket({
      lockName: primaryLockName(opts.home, opts.name),
      socketPath: this.socketPath,
      handlers: primaryHandlers(this),
      log: this.log,
      heldMessage: `another app primary already runs ${opts.name}`,
    });
    this.initTimer = setTimeout(() => {
      const next = this.group ? 'leaving the group host' : 'exiting';
      this.log.warn(`no init received; ${next}`, { afterMs: INIT_DEADLINE_MS });
      this.opts.onDone(this);
    }, INIT_DEADLINE_MS);
  }

  private write(level: string, msg: string, fields?: Record<string, unknown>): void {
    if (this.isClosed) return;
    const record = {
      time: new Date().toISOString(),
      level,
      app: this.name,
      ...this.groupField(),
      primaryPid: process.pid,
    };
    this.ownLog.write(JSON.stringify({ ...record, msg, ...fields }) + '\n');
  }

  /** Takes the app's lock and listens on `run/<app>.sock`; rejects with AlreadyRunning when another process holds the lock. */
  async open(): Promise<void> {
    await this.control.open();
    this.log.info('app primary listening', { socket: this.socketPath, ...this.groupField() });
  }

  private groupField(): Record<string, string> {
    return this.group ? { group: this.group.name } : {};
  }

  /** The app is done (its stop replied): the process exits, or the host closes it. */
  finish(): void {
    this.opts.onDone(this);
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** `init` arrived (after the caller's checks): the App, and no init deadline any more. */
  initialise(app: App): void {
    if (this.initTimer) clearTimeout(this.initTimer);
    this.initTimer = null;
    this.app = app;
  }

  requireApp(): App {
    if (!this.app)
      throw new ClusterctlError('E_PRIMARY_UNREACHABLE', `the app primary of ${this.name} has not been initialised`);
    return this.app;
  }

  status(): PrimaryStatus {
    return this.app ? this.app.status() : this.placeholderStatus();
  }

  private placeholderStatus(): PrimaryStatus {
    return {
      pid: process.pid,
      name: this.name,
      initialised: false,
      spec: defaultSpec(this.home, this.name, this.socketPath, this.home, {}),
      workers: [],
      busy: null,
      startedAt: this.startedAt,
      protocol: PROTOCOL_VERSION,
      version: packageVersion(),
      group: this.group?.name ?? null,
    };
  }

  /** Stops every worker, the triggers, and the logs: once, however many ask (a `stop` call, a signal). */
  stop(): Promise<PrimaryStatus> {
    this.stopping ??= (async () => {
      if (this.initTimer) clearTimeout(this.initTimer);
      this.initTimer = null;
      if (!this.app) return this.placeholderStatus();
      await this.triggers.close();
      const status = await stopAll(this.app);
      await this.app.logs.close();
      return status;
    })();
    return this.stopping;
  }

  /**
   * Leaves the process: no more calls (open connections are ended), socket
   * file removed, lock released, its ports free for another app of the group.
   * The workers must have been stopped first (stop()). Idempotent.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.initTimer) clearTimeout(this.initTimer);
    this.control.close();
    this.group?.ports.release(this.name);
    this.ownLog.close();
    this.resolveClosed();
  }
}
