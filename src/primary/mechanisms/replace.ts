/**
 * Replacing a serving process without a gap (reload, memory limit): start
 * the replacement, wait until it is online, only then retire the old one.
 * A replacement that fails leaves the old one serving.
 */
import { ClusterctlError } from '../../protocol/errors';
import type { App, AppSlot } from '../app';
import type { ManagedProcess } from '../process/managed-process';
import { endIfNotOnline, failureText } from './launch';
import { waitOnline } from './readiness';

/** `reason` is recorded as the old process's exit reason ('reload', 'memory (…)'). */
export async function replaceSlot(app: App, slot: AppSlot, reason: string): Promise<void> {
  app.cancelRestart(slot);
  const old = slot.current && !slot.current.exit ? slot.current : null;
  const proc = app.spawn(slot);
  slot.pending = proc;
  app.changed();
  try {
    await waitOnline(proc, app.readiness());
  } catch (err) {
    throw await replacementFailed(app, slot, proc, err);
  }
  const kind = slot.state.status.kind;
  if (kind === 'stopping' || kind === 'stopped') {
    // A stop (stop, delete, scale down) took the slot while the replacement
    // started: it is stopping both processes already, so there is nothing
    // to hand over (recording it would be an illegal transition).
    if (slot.pending === proc) slot.pending = null;
    await proc.stop(app.stopOptions());
    app.changed();
    throw new ClusterctlError('E_RELOAD_FAILED', `instance ${slot.instance} was stopped while its replacement started`);
  }
  // The old process may have died meanwhile, handing the slot over already.
  slot.pending = null;
  slot.current = proc;
  app.table.apply(slot, { type: 'replaced', pid: proc.pid, since: proc.startedAt });
  if (old && !old.exit) retire(app, slot, old, reason);
}

async function replacementFailed(
  app: App,
  slot: AppSlot,
  proc: ManagedProcess,
  err: unknown,
): Promise<ClusterctlError> {
  const why = await failureText(app, proc, err);
  if (slot.current === proc) {
    // The old process exited while this one was starting and the slot is
    // this one's: its end goes through the restart policy like any crash.
    endIfNotOnline(app, slot, proc, err);
    return new ClusterctlError('E_RELOAD_FAILED', `${why}; and the old worker of instance ${slot.instance} had exited`);
  }
  if (slot.pending === proc) slot.pending = null;
  await proc.kill();
  app.changed();
  return new ClusterctlError('E_RELOAD_FAILED', `${why}; the old worker of instance ${slot.instance} keeps serving`);
}

/** Drain and stop the replaced process in the background; the primary waits for it before exiting. */
function retire(app: App, slot: AppSlot, old: ManagedProcess, reason: string): void {
  // Listed as the instance's 'retiring' row (status stopping) until it has exited.
  slot.retiring.add(old);
  app.changed();
  const stopped = old.stop(app.stopOptions()).then((e) => {
    slot.retiring.delete(old);
    app.table.apply(slot, { type: 'retired', exit: { code: e.code, signal: e.signal, at: e.at, reason } });
    app.changed();
    return e;
  });
  app.retiring.add(stopped);
  void stopped.finally(() => app.retiring.delete(stopped));
}
