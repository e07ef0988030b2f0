/**
 * A slot's lifecycle state as the wire shows it (`WorkerInfo`): one serving
 * row per instance, plus a row for a replacement coming online and one for
 * each replaced process still draining. Every reason text is derived here
 * from the status's data; a pending restart's time goes out as `restartAt`
 * and the reader counts down from it when it prints (never stored as text).
 */
import type { WorkerInfo, WorkerRole } from '../../protocol/types';
import type { SlotState, SlotStatus } from './slot-status';
import type { Slot } from './slot-table';

export interface Usage {
  cpu: number;
  memory: number;
  cpuSeconds?: number;
}

/** What a row needs of a process. */
export interface RowProcess {
  readonly pid: number;
  readonly startedAt: number;
  readonly exit: unknown;
}

export function renderReason(status: SlotStatus): string | null {
  switch (status.kind) {
    case 'launching':
      if (status.listenError !== null) return `could not listen: ${status.listenError}`;
      return status.after === null ? null : `${status.after}; restarting now`;
    case 'online':
      return null;
    case 'stopping':
      // Ended for not coming online: say why while it goes (its exit then restarts it).
      return status.reason === 'not-online' ? status.failure : null;
    case 'stopped':
      return status.reason;
    case 'waiting-restart':
      return status.why;
    case 'errored':
      return status.reason;
  }
}

export function toWorkerInfo(
  instance: number,
  state: SlotState,
  usage: (pid: number) => Usage | undefined,
): WorkerInfo {
  const s = state.status;
  const live = s.kind === 'launching' || s.kind === 'online' || s.kind === 'stopping' ? s : null;
  const sample = live ? usage(live.pid) : undefined;
  return {
    instance,
    pid: live ? live.pid : null,
    status: s.kind,
    restarts: state.restarts,
    startedAt: live ? live.since : null,
    cpu: sample ? sample.cpu : null,
    memory: sample ? sample.memory : null,
    cpuSeconds: sample?.cpuSeconds ?? null,
    lastExit: state.lastExit,
    reason: renderReason(s),
    role: 'serving',
    restartAt: s.kind === 'waiting-restart' ? s.at : null,
  };
}

/** A process of the instance that is not the one serving it: a replacement (launching) or a retiring one (stopping). */
function extraRow(
  instance: number,
  state: SlotState,
  proc: RowProcess,
  role: Exclude<WorkerRole, 'serving'>,
  usage: (pid: number) => Usage | undefined,
): WorkerInfo {
  const sample = usage(proc.pid);
  return {
    instance,
    pid: proc.pid,
    status: role === 'replacement' ? 'launching' : 'stopping',
    restarts: state.restarts,
    startedAt: proc.startedAt,
    cpu: sample ? sample.cpu : null,
    memory: sample ? sample.memory : null,
    cpuSeconds: sample?.cpuSeconds ?? null,
    lastExit: state.lastExit,
    reason: null,
    role,
    restartAt: null,
  };
}

/** Every row of one slot: the serving row first, then its replacement and retiring processes, oldest first. */
export function slotRows<P extends RowProcess>(slot: Slot<P>, usage: (pid: number) => Usage | undefined): WorkerInfo[] {
  const rows = [toWorkerInfo(slot.instance, slot.state, usage)];
  const retiring = [...slot.retiring].filter((p) => !p.exit).sort((a, b) => a.startedAt - b.startedAt);
  for (const p of retiring) rows.push(extraRow(slot.instance, slot.state, p, 'retiring', usage));
  if (slot.pending && !slot.pending.exit)
    rows.push(extraRow(slot.instance, slot.state, slot.pending, 'replacement', usage));
  return rows;
}
