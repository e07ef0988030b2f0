/**
 * Starting a slot's process and seeing it online, shared by the ops (init,
 * scale, restart, reload of an idle instance) and the crash restart.
 */
import { ClusterctlError } from '../../protocol/errors';
import type { App, AppSlot } from '../app';
import type { ForkCause } from '../lifecycle/slot-status';
import type { ManagedProcess } from '../process/managed-process';
import { PORT_CLAIMED } from '../process/port-claims';
import { waitOnline } from './readiness';

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Starts the process that serves `slot` from now on. */
export function startInSlot(app: App, slot: AppSlot, cause: ForkCause, after: string | null = null): ManagedProcess {
  const proc = app.spawn(slot);
  slot.current = proc;
  app.table.apply(slot, { type: 'forked', pid: proc.pid, cause, after });
  return proc;
}

/** `proc` passed its readiness check: the slot is online, if `proc` still serves it. */
export function markOnline(app: App, slot: AppSlot, proc: ManagedProcess): void {
  const st = slot.state.status;
  if (slot.current === proc && st.kind === 'launching' && st.pid === proc.pid) {
    app.table.apply(slot, { type: 'cameOnline' });
  }
}

/**
 * A process that is alive but did not come online (listen failed, or too
 * slow) is ended here; its exit then goes through the restart policy as a
 * crash, with `why` as the reason.
 */
export function endIfNotOnline(app: App, slot: AppSlot, proc: ManagedProcess, why: unknown): void {
  if (proc.exit) return; // it exited by itself: the exit handler applies the policy
  const st = slot.state.status;
  if (slot.current === proc && st.kind !== 'stopping') {
    app.table.apply(slot, { type: 'stopRequested', reason: 'not-online', failure: messageOf(why) });
  }
  void proc.kill();
}

/**
 * A start a person asked for (init, scale up, restart): resolves when the
 * process is online; rejects with the reason when it is not. Either way it
 * is supervised from the start: one that fails is handed to the restart
 * policy (backoff, then errored), never retried in a tight loop and never
 * silently dropped, as PM2 and systemd users expect.
 */
export async function launch(app: App, slot: AppSlot, cause: ForkCause = 'start'): Promise<void> {
  app.cancelRestart(slot);
  const proc = startInSlot(app, slot, cause);
  try {
    await waitOnline(proc, app.readiness());
  } catch (err) {
    const why = await failureText(app, proc, err);
    endIfNotOnline(app, slot, proc, err);
    throw new Error(why, { cause: err });
  }
  markOnline(app, slot, proc);
}

/**
 * Starts every slot; the first that cannot come online is reported (the
 * others, and it, stay supervised): E_START_FAILED, or E_GROUP_CONFLICT when
 * another app of the group owns the port, which no restart can get past.
 */
export async function launchAll(app: App, slots: AppSlot[], cause: ForkCause = 'start'): Promise<void> {
  const results = await Promise.allSettled(slots.map((s) => launch(app, s, cause)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return;
  const reason: unknown = failed.reason;
  const claimed =
    reason instanceof Error && reason.cause instanceof ClusterctlError && reason.cause.code === PORT_CLAIMED;
  throw new ClusterctlError(claimed ? PORT_CLAIMED : 'E_START_FAILED', messageOf(reason));
}

/** Why a process did not come online, with the script's own last stderr lines. */
export async function failureText(app: App, proc: ManagedProcess, err: unknown): Promise<string> {
  if (proc.exit) await app.logs.settle(proc.pid, 1000);
  else await app.logs.flush();
  const tail = app.logs.recentStderr(proc.pid, 20).filter((l) => l.trim() !== '');
  const errorLine =
    [...tail].reverse().find((l) => /^\s*([A-Za-z]*Error|Uncaught|[A-Z]+:)/.test(l) && !/^\s*at /.test(l)) ??
    tail[tail.length - 1];
  const head = `instance ${proc.instance} (pid ${proc.pid}) ${messageOf(err)}`;
  return errorLine ? `${head}: ${errorLine.trim()}` : head;
}
