/**
 * A slot's lifecycle state as the wire shows it (`WorkerInfo`). Every reason
 * text is derived here from the status's data, at the moment it is shown:
 * the time left before a restart is counted from `at`, never stored as text.
 */
import type { WorkerInfo } from '../../protocol/types';
import type { SlotState, SlotStatus } from './slot-status';

export interface Usage {
  cpu: number;
  memory: number;
  cpuSeconds?: number;
}

export function renderReason(status: SlotStatus, now: number): string | null {
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
    case 'waiting-restart': {
      const left = Math.ceil(status.at - now);
      return left > 0 ? `${status.why}; restarting in ${left} ms` : `${status.why}; restarting now`;
    }
    case 'errored':
      return status.reason;
  }
}

export function toWorkerInfo(
  instance: number,
  state: SlotState,
  now: number,
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
    reason: renderReason(s, now),
  };
}
