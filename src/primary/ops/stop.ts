/**
 * `stop`: every worker stopped gracefully (drain, stop signal, SIGKILL after
 * the kill timeout); the primary exits after this. `stopSlots` is also how
 * scale and restart stop the workers they replace or remove.
 */
import type { PrimaryStatus } from '../../protocol/api';
import type { App, AppSlot } from '../app';

export async function stopAll(app: App): Promise<PrimaryStatus> {
  app.closing = true;
  await stopSlots(app, app.table.all(), 'stopped');
  await Promise.allSettled([...app.retiring]);
  app.sticky?.close();
  app.stopSampling();
  await app.logs.flush();
  return app.status();
}

/** Stops what runs in `slots`; resolves once every exit is recorded. `reason` becomes each exit's reason. */
export async function stopSlots(app: App, slots: AppSlot[], reason: string): Promise<void> {
  const waits: Array<Promise<unknown>> = [];
  for (const s of slots) {
    app.cancelRestart(s);
    if (s.current) app.table.apply(s, { type: 'stopRequested', reason });
    else app.table.apply(s, { type: 'halted' });
    for (const p of [s.current, s.pending]) {
      if (!p) continue;
      if (!p.exit) waits.push(p.stop(app.stopOptions()));
      // The exit handler waits for the last log lines (up to 1 s) before it
      // records the exit: wait for it, or a start that follows takes the slot first.
      waits.push(app.exitRecorded(p));
    }
  }
  await Promise.all(waits);
}
