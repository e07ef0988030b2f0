/**
 * `--cron-restart`: on each tick the reload op replaces the workers (a
 * rolling reload in cluster mode, a restart in fork mode). The timer lives in
 * the app primary, so it never fires for an app a person stopped (its
 * primary is gone), it comes back with the spec after `resurrect` or a
 * daemon restart, and a job with autorestart off whose workers have exited
 * is started again by its next tick (the reload op starts idle instances).
 * croner never fires at creation; a tick that comes while another operation
 * (the previous replacement) still runs is skipped and logged.
 */
import type { Cron } from 'croner';
import type { CronSpec, CronStatus } from '../../protocol/types';
import type { App } from '../app';
import { reload } from '../ops/reload';
import { messageOf } from './launch';

export class AppSchedule {
  private readonly job: Cron;
  private lastRun: number | null = null;
  private lastResult: string | null = null;

  constructor(
    private readonly app: App,
    private readonly spec: CronSpec,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a scheduled primary loads croner
    const { Cron: CronJob } = require('croner') as typeof import('croner');
    this.job = new CronJob(spec.expr, spec.tz === null ? {} : { timezone: spec.tz }, () => void this.tick());
    app.log.info('schedule set', { cron: spec.expr, tz: spec.tz, nextRun: this.job.nextRun()?.toISOString() ?? null });
  }

  matches(spec: CronSpec): boolean {
    return spec.expr === this.spec.expr && spec.tz === this.spec.tz;
  }

  status(): CronStatus {
    return {
      expr: this.spec.expr,
      tz: this.spec.tz,
      nextRun: this.job.nextRun()?.getTime() ?? null,
      lastRun: this.lastRun,
      lastResult: this.lastResult,
    };
  }

  stop(): void {
    this.job.stop();
  }

  private async tick(): Promise<void> {
    if (this.app.closing) return;
    this.lastRun = Date.now();
    if (this.app.busy !== null) {
      this.lastResult = `skipped: ${this.app.busy} still running`;
      this.app.log.warn('scheduled restart skipped: the previous operation still runs', { busy: this.app.busy });
      this.app.changed();
      return;
    }
    this.app.log.info('scheduled restart', { cron: this.spec.expr });
    try {
      await reload(this.app, this.app.spec, 1, () => undefined);
      this.lastResult = 'reloaded';
    } catch (err) {
      this.lastResult = `failed: ${messageOf(err)}`;
      this.app.log.warn('scheduled restart failed', { err: this.lastResult });
    }
    this.app.changed();
  }
}
