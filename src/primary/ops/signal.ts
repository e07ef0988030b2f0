/**
 * `send-signal`: deliver a signal to the live workers of one instance, or of
 * every instance (a replacement still coming online included: it is the
 * app's code too). Not an exclusive operation: a signal changes no slot.
 */
import type { SignalResult } from '../../protocol/api';
import { ClusterctlError } from '../../protocol/errors';
import type { SendableSignal } from '../../protocol/types';
import type { App } from '../app';

export function checkInstance(app: App, instance: number): void {
  if (!app.table.get(instance)) {
    throw new ClusterctlError(
      'E_USAGE',
      `${app.spec.name} has no instance ${instance} (its instances are 0 to ${app.table.size - 1})`,
    );
  }
}

export function signalWorkers(app: App, signal: SendableSignal, instance: number | null): SignalResult {
  if (instance !== null) checkInstance(app, instance);
  const signalled: SignalResult['signalled'] = [];
  for (const slot of app.table.all()) {
    if (instance !== null && slot.instance !== instance) continue;
    for (const proc of [slot.current, slot.pending]) {
      if (!proc || proc.exit) continue;
      try {
        process.kill(proc.pid, signal);
        signalled.push({ instance: slot.instance, pid: proc.pid });
      } catch {
        /* it exited just now: its exit handler records it */
      }
    }
  }
  if (signalled.length === 0) {
    const which = instance === null ? 'no worker' : `instance ${instance} has no worker`;
    throw new ClusterctlError('E_USAGE', `${app.spec.name}: ${which} running to signal`);
  }
  app.log.info('signal sent', { signal, workers: signalled });
  return { signalled };
}
