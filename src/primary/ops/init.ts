/**
 * `init` (the start of an app): every instance started, and the reply once
 * each is online. When one cannot come online the first reason is reported
 * (E_START_FAILED) but the app keeps running: the failed instance is
 * already under the restart policy. A port another app of the primary group
 * owns is E_GROUP_CONFLICT instead (the daemon then stops the app).
 */
import type { PrimaryStatus } from '../../protocol/api';
import type { App } from '../app';
import { launchAll } from '../mechanisms/launch';

export function init(app: App): Promise<PrimaryStatus> {
  return app.exclusive('start', async () => {
    if (app.table.size > 0) return;
    const slots = Array.from({ length: app.spec.instances }, (_, i) => app.table.add(i));
    await launchAll(app, slots);
  });
}
