/**
 * The app's watch and schedule follow its spec: set at init, changed when a
 * restart or reload brings a spec with other settings, ended at stop.
 */
import { ClusterctlError } from '../../protocol/errors';
import type { App } from '../app';
import { messageOf } from './launch';
import { AppSchedule } from './cron';
import { AppWatcher } from './watch';

export class Triggers {
  private watcher: AppWatcher | null = null;
  private schedule: AppSchedule | null = null;

  constructor(private readonly home: string) {}

  async sync(app: App): Promise<void> {
    const { watch, cron } = app.spec;
    if (this.watcher && (!watch || !this.watcher.matches(watch))) {
      await this.watcher.close();
      this.watcher = null;
    }
    if (watch && !this.watcher) this.watcher = new AppWatcher(app, watch, this.home);
    if (this.schedule && (!cron || !this.schedule.matches(cron))) {
      this.schedule.stop();
      this.schedule = null;
    }
    if (cron && !this.schedule) {
      try {
        this.schedule = new AppSchedule(app, cron);
      } catch (err) {
        // The CLI and the config loader check expressions; a spec from the API may not have been.
        throw new ClusterctlError('E_BAD_SPEC', `cron ${JSON.stringify(cron.expr)}: ${messageOf(err)}`);
      }
    }
    const w = this.watcher;
    const s = this.schedule;
    app.triggerStatus = { watch: w ? () => w.status() : null, cron: s ? () => s.status() : null };
    app.changed();
  }

  async close(): Promise<void> {
    this.schedule?.stop();
    this.schedule = null;
    await this.watcher?.close();
    this.watcher = null;
  }
}
