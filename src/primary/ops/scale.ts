/**
 * `scale N`: new instances take the lowest free numbers; the highest go
 * first (instance 0, often the one running scheduled jobs, stays).
 */
import type { PrimaryStatus } from '../../protocol/api';
import type { App } from '../app';
import { launchAll } from '../mechanisms/launch';
import { stopSlots } from './stop';

export function scale(app: App, instances: number): Promise<PrimaryStatus> {
  return app.exclusive('scale', () => resize(app, instances));
}

/** Also the end of a reload whose new spec has another instance count. */
export async function resize(app: App, instances: number): Promise<void> {
  const slots = app.table.all();
  try {
    if (instances > slots.length) {
      const added = app.table.freeInstances(instances - slots.length).map((i) => app.table.add(i));
      await launchAll(app, added);
    } else if (instances < slots.length) {
      const removed = slots.slice(instances);
      await stopSlots(app, removed, 'scale');
      for (const s of removed) app.table.remove(s.instance);
    }
  } finally {
    app.spec = { ...app.spec, instances: app.table.size };
  }
}
