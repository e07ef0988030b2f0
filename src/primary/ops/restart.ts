/**
 * `restart`: stop every worker, then start them all from the new spec (a
 * fresh start, backoff and crash-loop count reset, for errored instances).
 */
import type { PrimaryStatus } from '../../protocol/api';
import type { AppSpec } from '../../protocol/types';
import type { App } from '../app';
import { launchAll } from '../mechanisms/launch';
import { stopSlots } from './stop';

export function restart(app: App, spec: AppSpec): Promise<PrimaryStatus> {
  return app.exclusive('restart', async () => {
    const all = app.table.all();
    await stopSlots(app, all, 'restart');
    for (const s of all) if (s.instance >= spec.instances) app.table.remove(s.instance);
    app.spec = spec;
    await app.logs.update(spec.logs);
    for (let i = 0; i < spec.instances; i++) if (!app.table.get(i)) app.table.add(i);
    // A person asked: errored instances and their backoff start over.
    await launchAll(app, app.table.all(), 'person-restart');
  });
}
