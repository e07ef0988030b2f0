/**
 * monit's loop: the daemon pushes the apps (no polling), keys move the
 * selection or run a verb, the selected app's log is followed, and the
 * screen is redrawn once per burst of any of these, plus once a second so
 * uptimes tick. Resolves on quit; rejects when the daemon goes away or
 * anything fails, always with the terminal restored first.
 */
import type { Client } from '../../client/client';
import { ClusterctlError } from '../../protocol/errors';
import type { AppInfo } from '../../protocol/types';
import { isVerb, pendingText, runVerb } from './actions';
import { parseKeys, type KeyAction } from './keys';
import { AppLogFollower } from './log-follower';
import { LogBuffer } from './log-buffer';
import { initialModel, moveSelection, selectedApp, withApps, type MonitModel } from './model';
import type { MonitPalette } from './palette';
import { renderFrame } from './screen';
import type { Terminal } from './terminal';

export interface MonitorOptions {
  /** Lines of each log file shown when an app is selected. */
  history: number;
  /** Log lines kept in memory. */
  logCap: number;
  palette: MonitPalette;
}

const TICK_MS = 1000;

export class Monitor {
  private model: MonitModel = initialModel();
  private readonly logs: LogBuffer;
  private readonly follower: AppLogFollower;
  private drawPending = false;
  private ticker: NodeJS.Timeout | null = null;
  private settle: ((err: Error | null) => void) | null = null;

  constructor(
    private readonly client: Client,
    private readonly terminal: Terminal,
    private readonly opts: MonitorOptions,
  ) {
    this.logs = new LogBuffer(opts.logCap);
    this.follower = new AppLogFollower(
      opts.history,
      () => this.logs.clear(),
      (lines) => {
        this.logs.push(lines);
        this.redraw();
      },
    );
  }

  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err === null ? resolve() : reject(err));
      this.guard(() => {
        this.terminal.enter(
          (text) => this.guard(() => this.onKeys(text)),
          () => this.guard(() => this.draw()),
        );
        this.ticker = setInterval(() => this.redraw(), TICK_MS);
        this.draw();
        this.client
          .subscribe({}, { onApps: (apps) => this.guard(() => this.onApps(apps)) })
          .catch((err: unknown) => this.finish(daemonGone(err)));
      });
    });
  }

  private onApps(apps: AppInfo[]): void {
    this.model = withApps(this.model, apps);
    this.follower.follow(selectedApp(this.model));
    this.redraw();
  }

  private onKeys(text: string): void {
    for (const action of parseKeys(text)) this.act(action);
    this.redraw();
  }

  private act(action: KeyAction): void {
    if (action === 'quit') {
      this.finish(null);
      return;
    }
    if (action === 'up' || action === 'down') {
      this.model = moveSelection(this.model, action === 'up' ? -1 : 1);
      this.follower.follow(selectedApp(this.model));
      return;
    }
    const app = this.model.selected;
    if (!isVerb(action) || app === null) return;
    this.model = { ...this.model, status: pendingText(action, app) };
    void runVerb(this.client, action, app).then((status) => {
      this.model = { ...this.model, status };
      this.redraw();
    });
  }

  /** One draw per turn of the event loop, however many events came in it. */
  private redraw(): void {
    if (this.drawPending || this.settle === null) return;
    this.drawPending = true;
    setImmediate(() => {
      this.drawPending = false;
      this.guard(() => this.draw());
    });
  }

  private draw(): void {
    if (this.settle === null) return;
    const size = this.terminal.size();
    const logs = this.logs.last(size.rows);
    this.terminal.write(renderFrame({ model: this.model, logs, size, now: Date.now(), palette: this.opts.palette }));
  }

  /** Runs `fn`; anything it throws ends monit with the terminal restored. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.finish(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private finish(err: Error | null): void {
    const settle = this.settle;
    if (settle === null) return;
    this.settle = null;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.follower.close();
    this.terminal.restore();
    settle(err);
  }
}

/** The stream ended without a quit: the daemon went away (or, older than this CLI, never knew the method). */
function daemonGone(err: unknown): Error {
  if (err instanceof ClusterctlError && err.code === 'E_UNKNOWN_METHOD') {
    return new ClusterctlError(
      err.code,
      `${err.message}: the daemon is older than this CLI; run \`clusterctl update\``,
    );
  }
  if (err instanceof ClusterctlError && err.code !== 'E_DAEMON_UNREACHABLE') return err;
  const why = err instanceof Error ? err.message : String(err);
  return new ClusterctlError(
    'E_DAEMON_UNREACHABLE',
    `daemon went away (${why}); \`clusterctl ls\` starts a new one, which adopts the running apps`,
  );
}
