/**
 * The daemon's side of `flush`: a running app's primary empties its own
 * files (it holds them open and knows their size), over the connection the
 * daemon already has to it; for an app whose primary is not running, the
 * daemon empties the files itself. No log content ever passes through here.
 */
import { truncateSync } from 'node:fs';
import { DEV_NULL_PATH } from '../logfile/line';
import { removeRotated } from '../logfile/rotation';
import type { AppInfo } from '../protocol/types';
import type { PrimaryHandle } from './app-primary';

function truncateIfPresent(path: string): void {
  try {
    truncateSync(path, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Empties an app's out, err and combined files and removes their rotated files. */
export async function flushAppLogs(primary: PrimaryHandle | null, app: AppInfo): Promise<void> {
  if (primary) {
    await primary.flushLogs();
    return;
  }
  for (const path of new Set([app.spec.logs.out, app.spec.logs.err, app.spec.logs.combined])) {
    if (path === null || path === DEV_NULL_PATH) continue;
    truncateIfPresent(path);
    removeRotated(path);
  }
}
