/**
 * Supervision of the app primaries: one that dies while its app should run
 * is started again from the stored spec. Whether, and after how long, is
 * decided by the same restart policy as a crashed worker's, with the
 * primaries' own PolicySpec; a crash loop ends in the `gave-up` phase.
 */
import { sessionOf } from '../os/liveness';
import { killSession } from '../os/session';
import { decideRestart } from '../supervision/restart-policy';
import type { GoneInfo, PrimaryHandle } from './app-primary';
import type { AppManager } from './apps';
import type { AppPhase } from './lifecycle/app-phase';
import { busyOp } from './lifecycle/app-phase';
import { PRIMARY_POLICY } from './lifecycle/primary-policy';
import type { AppEntry } from './registry';
import { foldRestarts } from './verbs-shared';

/** What a dead primary may have left running: its session, and its fork-mode children's sessions. */
interface LeftBehind {
  deadPid: number;
  strays: number[];
}

/** The pids of the fork-mode children the app's primary last reported. */
function forkChildren(entry: AppEntry): number[] {
  if (entry.spec.execMode !== 'fork' || !entry.status) return [];
  return entry.status.workers.flatMap((w) => (w.pid === null ? [] : [w.pid]));
}

/** How long a due revival waits for an operation holding the app before it tries again. */
const BUSY_RETRY_MS = 500;

export class Revival {
  private readonly timers = new Map<AppEntry, NodeJS.Timeout>();

  constructor(private readonly manager: AppManager) {}

  onPrimaryGone(entry: AppEntry, handle: PrimaryHandle, info: GoneInfo): void {
    const { registry, logger } = this.manager;
    if (entry.primary !== handle || info.expected || this.manager.isShuttingDown) return;
    const strays = forkChildren(entry);
    foldRestarts(entry, entry.status, true);
    entry.primary = null;
    entry.status = null;
    registry.changed();
    if (registry.get(entry.name) !== entry || entry.desired !== 'running') return;
    const upFor = Date.now() - entry.attachedAt;
    // In a group host that lives on (sweep 0), only this app's socket closed: the host is not the app's to end.
    const why =
      info.sweep === 0
        ? `closed by its primary group's host (pid ${info.pid})`
        : `exited unexpectedly (pid ${info.pid})`;
    logger.warn({ app: entry.name, primaryPid: info.pid, upForMs: upFor }, `app primary ${why}`);
    registry.persist();
    this.schedule(entry, why, info.sweep, upFor, strays);
  }

  /**
   * Asks the primary policy what to do about a primary that is gone after
   * `uptimeMs`: revive it after the backoff, or give up. `deadPid` is the
   * session to sweep before the next primary starts (0: none); `strays` the
   * fork-mode children it ran, each leading a session of its own.
   */
  schedule(entry: AppEntry, why: string, deadPid: number, uptimeMs: number, strays: number[] = []): void {
    const { registry, logger } = this.manager;
    this.cancel(entry);
    const decision = decideRestart(PRIMARY_POLICY, { code: null, signal: null, uptimeMs }, entry.revivals);
    if (decision.action !== 'restart') {
      const reason = `app primary ${why}; gave up after ${entry.revivals.unstableInARow} restarts in a row (\`clusterctl restart ${entry.name}\` tries again)`;
      registry.transition(entry, { type: 'give-up', reason });
      logger.error({ app: entry.name }, reason);
      return;
    }
    entry.revivals = decision.history;
    // The countdown ("; restarting in N ms") is not in the text: `ls` counts it from restartAt when it prints.
    const reason = `app primary ${why}`;
    // A primary that was running died; or there was none to begin with (daemon start, a failed revival).
    const kind = entry.phase.kind;
    const type = kind === 'starting' || kind === 'stopped' || kind === 'reviving' ? 'revive-again' : 'primary-died';
    const at = Date.now();
    if (!registry.transition(entry, { type, at, reason, restartAt: at + decision.delayMs })) return;
    this.arm(entry, entry.phase, { deadPid, strays }, decision.delayMs);
    logger.info(
      { app: entry.name, delayMs: decision.delayMs, attempt: entry.revivals.backoffStep },
      'app primary restart scheduled',
    );
  }

  cancel(entry: AppEntry): void {
    const timer = this.timers.get(entry);
    if (timer) clearTimeout(timer);
    this.timers.delete(entry);
  }

  private arm(entry: AppEntry, phase: AppPhase, left: LeftBehind, delayMs: number): void {
    this.timers.set(
      entry,
      setTimeout(() => {
        this.timers.delete(entry);
        void this.revive(entry, phase, left);
      }, delayMs),
    );
  }

  private async revive(entry: AppEntry, phase: AppPhase, left: LeftBehind): Promise<void> {
    const { registry, logger } = this.manager;
    if (this.manager.isShuttingDown || registry.get(entry.name) !== entry || entry.desired !== 'running') return;
    if (busyOp(entry.phase) !== null) {
      // Another operation holds the app (a scale goes back to this phase): try again shortly rather than interleave.
      this.arm(entry, phase, left, BUSY_RETRY_MS);
      return;
    }
    // A person restarted or stopped it meanwhile: that decided for us.
    if (entry.phase !== phase || entry.primary) return;
    // Workers of the dead primary that are still alive would hold the app's ports.
    // (A dead group host: every app of the group sweeps the same old session, harmlessly.)
    if (left.deadPid > 0) killSession(left.deadPid);
    // A fork-mode child leads its own session, out of the primary's reach: it
    // outlives a primary killed with -9 and would keep the app's port.
    for (const pid of left.strays) if (sessionOf(pid) === pid) killSession(pid);
    registry.transition(entry, { type: 'launch', op: 'start' });
    const launching = entry.phase;
    try {
      const handle = await this.manager.launch(entry);
      if (entry.phase === launching) registry.transition(entry, { type: 'settled' });
      logger.info({ app: entry.name, primaryPid: handle.pid }, 'app primary restarted');
    } catch (err) {
      if (entry.phase !== launching) return;
      const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      // launch() attaches a primary that is alive even when a worker failed.
      const attached = entry.primary as PrimaryHandle | null;
      if (attached) {
        // The new primary runs and its own restart policy has the workers that failed: nothing more to do here.
        registry.transition(entry, { type: 'settled' });
        logger.warn(
          { app: entry.name, err: why, primaryPid: attached.pid },
          'app primary restarted, but a worker did not come online',
        );
        return;
      }
      logger.warn({ app: entry.name, err: why }, 'app primary restart failed');
      this.schedule(entry, `could not be started again (${why})`, 0, 0);
    }
  }
}
