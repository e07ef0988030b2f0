/**
 * A primary group host (`--primary-group NAME`): one process that is the
 * node:cluster primary of every app of the group, so the group pays for one
 * node process instead of one per app. On its own socket
 * `run/groups/<group>.sock` it speaks GroupApi: `host {name}` opens the
 * app's own PrimaryApi socket `run/<app>.sock` (hosted-app.ts, the same code
 * as a primary of its own), which the daemon then drives as usual. When its
 * last app has stopped it exits; one that never hosts an app exits after
 * INIT_DEADLINE_MS.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { OWN_LOG_ROTATION } from '../config/defaults';
import type { GroupHello } from '../protocol/group-api';
import { ClusterctlError } from '../protocol/errors';
import { createRotatingDestination, type RotatingDestination } from '../logfile/destination';
import { groupLockName, groupLogPath, groupSocketPath } from '../protocol/paths';
import type { Handlers } from '../protocol/rpc-server';
import { groupParams } from '../protocol/primary-params';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version';
import type { Logger } from './app';
import { GroupContext } from './group-context';
import { AlreadyRunning, ControlSocket } from './control-socket';
import { HostedApp, INIT_DEADLINE_MS } from './hosted-app';

export class GroupHost {
  readonly log: Logger;
  private readonly context: GroupContext;
  private readonly socketPath: string;
  private readonly ownLog: RotatingDestination;
  private readonly hosted = new Map<string, HostedApp>();
  private readonly opening = new Map<string, Promise<HostedApp>>();
  /** `host` calls not answered yet: the host does not exit under them. */
  private inFlight = 0;
  private everHosted = false;
  private readonly control: ControlSocket;
  private readonly idleTimer: NodeJS.Timeout;

  /** `exit` ends the process (main.ts: the session sweep, then process.exit). */
  constructor(
    private readonly home: string,
    readonly group: string,
    private readonly strict: boolean,
    private readonly exit: (code: number) => void,
  ) {
    this.context = new GroupContext(group);
    this.socketPath = groupSocketPath(home, group);
    this.ownLog = createRotatingDestination(groupLogPath(home, group), {
      ...OWN_LOG_ROTATION,
      onError: (err) => process.stderr.write(`cannot write the group host's log: ${err.message}\n`),
    });
    const write = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      this.ownLog.write(
        JSON.stringify({ time: new Date().toISOString(), level, group, hostPid: process.pid, msg, ...fields }) + '\n',
      );
    this.log = { info: write('info'), warn: write('warn'), error: write('error') };
    this.control = new ControlSocket({
      lockName: groupLockName(home, group),
      socketPath: this.socketPath,
      handlers: this.handlers(),
      log: this.log,
      heldMessage: `another host already runs group ${group}`,
    });
    this.idleTimer = setTimeout(() => {
      if (this.everHosted) return;
      this.log.warn('no app hosted; exiting', { afterMs: INIT_DEADLINE_MS });
      this.exit(0);
    }, INIT_DEADLINE_MS);
  }

  /** Takes the group's lock, then listens on its socket; rejects with AlreadyRunning when another host has it. */
  async open(): Promise<void> {
    // run/groups/ is created by the first host (the daemon creates only run/).
    mkdirSync(dirname(this.socketPath), { recursive: true, mode: 0o700 });
    await this.control.open();
    this.log.info('group host listening', { socket: this.socketPath, node: process.execPath });
  }

  private handlers(): Handlers {
    return {
      hello: (params): GroupHello => {
        groupParams.hello(params);
        return {
          pid: process.pid,
          group: this.group,
          apps: [...this.hosted.keys()],
          interpreter: process.execPath,
          scheduling: this.context.scheduling,
          protocol: PROTOCOL_VERSION,
          version: packageVersion(),
        };
      },
      host: async (params) => {
        const { name } = groupParams.host(params);
        this.inFlight++;
        try {
          return { socket: (await this.hostOnce(name)).socketPath };
        } finally {
          this.inFlight--;
          this.exitIfEmpty();
        }
      },
    };
  }

  /** The app's HostedApp: the one open now, or a fresh one once a stop in progress has closed the old. */
  private async hostOnce(name: string): Promise<HostedApp> {
    const current = this.hosted.get(name);
    if (current && !current.isStopping) return current;
    if (current) {
      await current.closed;
      return this.hostOnce(name);
    }
    const pending = this.opening.get(name);
    if (pending) return pending;
    const opened = this.openApp(name);
    this.opening.set(name, opened);
    try {
      return await opened;
    } finally {
      this.opening.delete(name);
    }
  }

  private async openApp(name: string): Promise<HostedApp> {
    const h = new HostedApp({
      home: this.home,
      name,
      strict: this.strict,
      group: this.context,
      onDone: (done) => this.appDone(done),
    });
    try {
      await h.open();
    } catch (err) {
      h.close();
      if (err instanceof AlreadyRunning) throw new ClusterctlError('E_START_FAILED', err.message);
      throw err;
    }
    this.hosted.set(name, h);
    this.everHosted = true;
    clearTimeout(this.idleTimer);
    this.log.info('hosting app', { app: name, socket: h.socketPath });
    return h;
  }

  /** An app's stop replied, or it got no init in time: it leaves the host (its workers are stopped first). */
  private appDone(h: HostedApp): void {
    const leave = (): void => {
      h.close();
      if (this.hosted.get(h.name) === h) this.hosted.delete(h.name);
      this.log.info('app left the host', { app: h.name, hosting: [...this.hosted.keys()] });
      this.exitIfEmpty();
    };
    h.stop().then(leave, (err: unknown) => {
      this.log.error('error while stopping an app', { app: h.name, err: String(err) });
      leave();
    });
  }

  private exitIfEmpty(): void {
    if (!this.everHosted || this.hosted.size > 0 || this.inFlight > 0) return;
    this.log.info('no app left; exiting');
    this.exit(0);
  }

  /** A signal or a crash: every hosted app stops (at once: each has its own kill deadlines). */
  async stopAll(): Promise<void> {
    const results = await Promise.allSettled([...this.hosted.values()].map((h) => h.stop()));
    for (const r of results)
      if (r.status === 'rejected') this.log.error('error while stopping an app', { err: String(r.reason) });
  }

  /** Just before the process exits: every socket file removed, every lock released. */
  closeAll(): void {
    for (const h of this.hosted.values()) h.close();
    this.control.close();
    this.ownLog.close();
  }
}
