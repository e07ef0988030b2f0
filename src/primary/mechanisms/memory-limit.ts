/**
 * `--max-memory-restart`: a serving process whose tree uses more memory than
 * the limit is replaced without a gap (the replacement first, then the old
 * one drained). Checked on every metrics sample; never while a person's
 * operation runs or the app is stopping.
 */
import type { App } from '../app';
import { messageOf } from './launch';
import { replaceSlot } from './replace';

export function enforceMemoryLimit(app: App): void {
  const limit = app.spec.maxMemoryRestart;
  if (limit <= 0 || app.busy || app.closing) return;
  for (const slot of app.table.all()) {
    const proc = slot.current;
    if (!proc || proc.exit || slot.state.status.kind !== 'online' || slot.pending) continue;
    const mem = app.memoryOf(proc.pid);
    if (mem <= limit) continue;
    app.log.warn('memory limit exceeded: replacing worker', {
      instance: slot.instance,
      pid: proc.pid,
      memory: mem,
      limit,
    });
    replaceSlot(app, slot, `memory (${mb(mem)} over the ${mb(limit)} limit)`).catch((err: unknown) => {
      app.log.error('memory replacement failed', { instance: slot.instance, err: messageOf(err) });
    });
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
