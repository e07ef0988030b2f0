/**
 * `--watch`: a change under the watched paths reloads the app (a rolling
 * reload in cluster mode, so no request is dropped; the reload op does what
 * fits the app's mode). Changes are debounced (trailing): a burst of saves
 * gives one reload. A reload whose new workers fail to come online (a syntax
 * error) leaves the old ones serving and is recorded here for `ls` and
 * `describe`; it is never retried by itself, only the next change tries
 * again.
 *
 * Flap guard: after FLAP_LIMIT failed watch reloads in a row, changes are
 * held until a quiet period has passed since the last failure (5 s, doubling
 * per further failure, at most 60 s); the changes made meanwhile give one
 * reload when it ends. A success resets the count.
 *
 * PM2 restarts in a loop when the app writes its own logs into the watched
 * folder: the app's log files, clusterctl's home, node_modules and .git are
 * always ignored here.
 */
import { existsSync } from 'node:fs';
import type { FSWatcher } from 'chokidar';
import type { WatchSpec, WatchStatus } from '../../protocol/types';
import type { App } from '../app';
import { reload } from '../ops/reload';
import { messageOf } from './launch';
import { ALWAYS_IGNORED_PARTS, ignorePredicate } from './watch-ignore';

export const FLAP_LIMIT = 3;
const HOLD_BASE_MS = 5000;
const HOLD_MAX_MS = 60_000;

export class AppWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly state: WatchStatus;

  constructor(
    private readonly app: App,
    private readonly spec: WatchSpec,
    home: string,
  ) {
    const logs = [app.spec.logs.out, app.spec.logs.err, app.spec.logs.combined];
    const files = [...new Set(logs.filter((f): f is string => f !== null && f !== '/dev/null'))];
    const ignoredShown = [...ALWAYS_IGNORED_PARTS, home, ...files, ...spec.ignore];
    this.state = {
      paths: spec.paths,
      ignored: ignoredShown,
      lastReload: null,
      lastFailure: null,
      consecutiveFailures: 0,
      heldUntil: null,
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a watching primary pays chokidar's memory
    const chokidar = require('chokidar') as typeof import('chokidar');
    this.watcher = chokidar.watch(spec.paths, {
      ignoreInitial: true,
      persistent: true,
      usePolling: spec.usePolling,
      interval: spec.interval,
      followSymlinks: spec.followSymlinks,
      ignored: ignorePredicate({ cwd: app.spec.cwd, dirs: [home], files, globs: spec.ignore }),
    });
    this.watcher.on('all', (event, path) => this.changed(event, path));
    this.watcher.on('error', (err) => app.log.warn('watch error', { err: messageOf(err) }));
    app.log.info('watching', { paths: spec.paths, ignored: ignoredShown, delayMs: spec.delayMs });
  }

  status(): WatchStatus {
    return { ...this.state };
  }

  matches(spec: WatchSpec): boolean {
    return JSON.stringify(spec) === JSON.stringify(this.spec);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const w = this.watcher;
    this.watcher = null;
    await w?.close();
  }

  private changed(event: string, path: string): void {
    if (this.closed) return;
    this.app.log.info('watched file changed', { event, path });
    this.schedule(this.spec.delayMs);
  }

  /** Trailing debounce; a hold (flap guard) pushes the reload to its end. */
  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    const held = this.state.heldUntil === null ? 0 : this.state.heldUntil - Date.now();
    this.timer = setTimeout(() => void this.fire(), Math.max(delayMs, held));
  }

  private async fire(): Promise<void> {
    this.timer = null;
    if (this.closed || this.app.closing) return;
    if (this.app.busy !== null) {
      // Another operation runs (a person's reload, a scheduled one): this change reloads after it.
      this.schedule(this.spec.delayMs);
      return;
    }
    const missing = [this.app.spec.cwd, this.app.spec.script].find((p) => !existsSync(p));
    if (missing !== undefined) {
      // Mid-checkout, or the folder is being removed: a worker cannot even be forked (spawn ENOENT).
      this.failed(`${missing} does not exist; the old workers keep serving until it is back`);
      this.app.changed();
      return;
    }
    this.app.log.info('watch: reloading');
    try {
      await reload(this.app, this.app.spec, 1, () => undefined);
      Object.assign(this.state, { lastReload: Date.now(), lastFailure: null, consecutiveFailures: 0, heldUntil: null });
      this.app.log.info('watch: reloaded');
    } catch (err) {
      this.failed(messageOf(err));
    }
    this.app.changed();
  }

  private failed(message: string): void {
    const now = Date.now();
    const n = this.state.consecutiveFailures + 1;
    const hold = n >= FLAP_LIMIT ? Math.min(HOLD_MAX_MS, HOLD_BASE_MS * 2 ** (n - FLAP_LIMIT)) : 0;
    Object.assign(this.state, {
      lastFailure: { at: now, message },
      consecutiveFailures: n,
      heldUntil: hold > 0 ? now + hold : null,
    });
    this.app.log.warn('watch: reload failed; the old workers keep serving until the next change', {
      err: message,
      consecutiveFailures: n,
      holdMs: hold,
    });
  }
}
