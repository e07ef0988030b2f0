/**
 * The app primary's control methods for its logs, for the primary's RPC
 * handler table:
 *   flush: flushHandler(() => requireApp().logs),
 *   reopenLogs: reopenLogsHandler(() => requireApp().logs),
 * The capture is looked up per call because it exists only after `init`.
 */
import { reopenAllDestinations } from '../../logfile/destination';
import { primaryParams } from '../../protocol/primary-params';
import type { LogCapture } from './index';

/** Empties the app's out, err and combined files and removes their rotated files (`clusterctl flush`). */
export function flushHandler(capture: () => LogCapture) {
  return async (params: unknown): Promise<null> => {
    primaryParams.flush(params);
    await capture().truncate();
    return null;
  };
}

/** Closes and reopens the files by path, after an external logrotate moved them (`clusterctl reload-logs`). */
export function reopenLogsHandler(capture: () => LogCapture) {
  return async (params: unknown): Promise<null> => {
    primaryParams.reopenLogs(params);
    await capture().reopen();
    // The primary's own log too, for an external logrotate that moved it.
    reopenAllDestinations();
    return null;
  };
}
