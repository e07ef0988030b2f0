/**
 * `reload`: rolling replacement, `parallel` instances at a time, each new
 * worker online before its old one is drained; aborts at the first
 * replacement that fails, leaving the old workers serving. In fork mode
 * there is no shared port, so an instance is stopped before its successor
 * starts (a rolling restart, one instance at a time).
 */
import type { PrimaryStatus, ProgressEvent } from '../../protocol/api';
import { ClusterctlError } from '../../protocol/errors';
import type { AppSpec } from '../../protocol/types';
import type { App, AppSlot } from '../app';
import { launch, messageOf } from '../mechanisms/launch';
import { replaceSlot } from '../mechanisms/replace';
import { resize } from './scale';
import { stopSlots } from './stop';

/** Fork mode: the old process stops (its exit recorded) before its successor starts. */
async function restartSlot(app: App, slot: AppSlot): Promise<void> {
  await stopSlots(app, [slot], 'reload');
  await launch(app, slot, 'person-restart').catch((err: unknown) => {
    throw new ClusterctlError('E_RELOAD_FAILED', messageOf(err));
  });
}

export function reload(
  app: App,
  spec: AppSpec,
  parallel: number,
  onProgress: (e: ProgressEvent) => void,
): Promise<PrimaryStatus> {
  return app.exclusive('reload', async () => {
    app.spec = { ...spec, instances: app.table.size };
    await app.logs.update(spec.logs);
    const slots = app.table.all();
    const progress = { done: 0, total: slots.length };
    if (app.spec.execMode === 'fork') parallel = 1;
    for (let i = 0; i < slots.length; i += parallel) {
      const batch = slots.slice(i, i + parallel);
      const results = await Promise.allSettled(batch.map((slot) => reloadSlot(app, slot, progress, onProgress)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed)
        throw failed.reason instanceof ClusterctlError
          ? failed.reason
          : new ClusterctlError('E_RELOAD_FAILED', messageOf(failed.reason));
    }
    await Promise.allSettled([...app.retiring]);
    if (spec.instances !== app.table.size) await resize(app, spec.instances);
  });
}

async function reloadSlot(
  app: App,
  slot: AppSlot,
  progress: { done: number; total: number },
  onProgress: (e: ProgressEvent) => void,
): Promise<void> {
  const { instance } = slot;
  onProgress({ app: app.spec.name, done: progress.done, total: progress.total, instance, step: 'replacing' });
  if (slot.current && !slot.current.exit && app.spec.execMode === 'fork') await restartSlot(app, slot);
  else if (slot.current && !slot.current.exit) await replaceSlot(app, slot, 'reload');
  else {
    // Nothing serves this instance (errored, stopped, waiting): a reload gives it a fresh start.
    await launch(app, slot, 'person-restart').catch((err: unknown) => {
      throw new ClusterctlError('E_RELOAD_FAILED', messageOf(err));
    });
  }
  progress.done++;
  onProgress({ app: app.spec.name, done: progress.done, total: progress.total, instance, step: 'replaced' });
}
