/**
 * What happens when a slot's process exits: recorded as stopped when it was
 * asked to stop; otherwise the restart policy decides (restart after a
 * backoff, stay stopped, or give up as errored), and a restart, when due,
 * starts the slot again.
 */
import type { ExitRecord } from '../../protocol/types';
import { decideRestart, describeExit } from '../../supervision/restart-policy';
import type { App, AppSlot } from '../app';
import type { ExitInfo, ManagedProcess } from '../process/managed-process';
import { endIfNotOnline, markOnline, startInSlot } from './launch';
import { waitOnline } from './readiness';

export async function onProcessExit(app: App, slot: AppSlot, proc: ManagedProcess, e: ExitInfo): Promise<void> {
  const crashed = slot.current === proc && slot.state.status.kind !== 'stopping' && !app.closing && !slot.pending;
  if (crashed) {
    // A crash needs none of the dead worker's last lines to decide (its
    // restart reason is the exit status), so the restart goes ahead while
    // its pipes end and the log files flush: waiting first cost every
    // recovery those milliseconds, and a full second when a grandchild
    // kept the pipes open (bench/PROFILE.md §5). The exit still counts as
    // recorded (exitRecorded) only once the logs settled.
    const settling = app.logs.settle(proc.pid, 1000);
    recordExit(app, slot, proc, e);
    await settling;
    return;
  }
  // Stopped, replaced, or failed to come online: whoever waits for this exit wants its last lines on disk first.
  await app.logs.settle(proc.pid, 1000);
  recordExit(app, slot, proc, e);
}

function recordExit(app: App, slot: AppSlot, proc: ManagedProcess, e: ExitInfo): void {
  if (slot.current !== proc) {
    app.changed(); // a replacement that failed, or a worker that was replaced
    return;
  }
  const st = slot.state.status;
  const stopping = st.kind === 'stopping' ? st : null;
  const exit: ExitRecord = { code: e.code, signal: e.signal, at: e.at, reason: stopping ? stopping.reason : 'crash' };
  slot.current = null;
  app.log.info('worker exited', { instance: slot.instance, pid: proc.pid, ...exit });
  if ((stopping && stopping.reason !== 'not-online') || app.closing) {
    app.table.apply(slot, { type: 'exited', exit });
    return;
  }
  const replacement = slot.pending;
  if (replacement) {
    // A replacement is coming online: the slot is its now (it exits through here too if it fails).
    slot.current = replacement;
    slot.pending = null;
    app.table.apply(slot, { type: 'predecessorExited', exit, pid: replacement.pid, since: replacement.startedAt });
    return;
  }
  applyRestartPolicy(app, slot, proc, exit, stopping?.failure ?? e.failure ?? null);
}

function applyRestartPolicy(
  app: App,
  slot: AppSlot,
  proc: ManagedProcess,
  exit: ExitRecord,
  failure: string | null,
): void {
  const decision = decideRestart(
    app.spec,
    { code: exit.code, signal: exit.signal, uptimeMs: exit.at - proc.startedAt },
    slot.state.history,
  );
  if (decision.action === 'stop') {
    app.table.apply(slot, { type: 'exited', exit, reason: decision.reason });
    return;
  }
  if (decision.action === 'errored') {
    app.log.warn('crash loop: giving up', { instance: slot.instance, reason: decision.reason });
    const reason = failure ? `${failure}; ${decision.reason}` : decision.reason;
    app.table.apply(slot, { type: 'gaveUp', exit, reason, history: decision.history });
    return;
  }
  const why = failure ?? describeExit(exit.code, exit.signal);
  const at = Date.now() + decision.delayMs;
  app.table.apply(slot, { type: 'restartScheduled', exit, at, why, history: decision.history });
  app.restartTimers.set(
    slot.instance,
    setTimeout(() => crashRestart(app, slot), decision.delayMs),
  );
}

function crashRestart(app: App, slot: AppSlot): void {
  app.restartTimers.delete(slot.instance);
  const st = slot.state.status;
  if (app.closing || !app.table.has(slot) || slot.current || st.kind !== 'waiting-restart') return;
  const proc = startInSlot(app, slot, 'crash-restart', st.why);
  waitOnline(proc, app.readiness()).then(
    () => markOnline(app, slot, proc),
    (err: unknown) => endIfNotOnline(app, slot, proc, err),
  );
}
