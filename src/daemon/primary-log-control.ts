/**
 * The daemon's side of `flush` and `reload-logs`: asks each app primary to
 * act on its own files (it holds them open and knows their size), and
 * empties the files itself for an app whose primary is not running. No log
 * content ever passes through here.
 */
import { truncateSync } from 'node:fs';
import type { PrimaryApi } from '../protocol/api';
import { DEV_NULL_PATH } from '../protocol/log-line';
import { removeRotated } from '../protocol/log-rotation';
import { primarySocketPath } from '../protocol/paths';
import { RpcConnection, TypedRpc } from '../protocol/rpc-client';
import type { AppInfo } from '../protocol/types';

const CALL_TIMEOUT_MS = 10000;

async function callPrimary(home: string, app: string, method: 'flush' | 'reopenLogs'): Promise<void> {
  const connection = await RpcConnection.connect(primarySocketPath(home, app), {
    code: 'E_PRIMARY_UNREACHABLE',
    peer: `the app primary of ${app}`,
    timeoutMs: 2000,
  });
  const rpc = new TypedRpc<PrimaryApi>(connection);
  try {
    await rpc.call(method, {}, { timeoutMs: CALL_TIMEOUT_MS });
  } finally {
    rpc.close();
  }
}

function truncateIfPresent(path: string): void {
  try {
    truncateSync(path, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Empties an app's out and err files and removes their rotated files. */
export async function flushAppLogs(home: string, app: AppInfo): Promise<void> {
  if (app.primaryPid !== null) {
    await callPrimary(home, app.name, 'flush');
    return;
  }
  for (const path of new Set([app.spec.logs.out, app.spec.logs.err])) {
    if (path === DEV_NULL_PATH) continue;
    truncateIfPresent(path);
    removeRotated(path);
  }
}

/** A running app's primary reopens its files; a stopped app has none open. */
export async function reopenAppLogs(home: string, app: AppInfo): Promise<boolean> {
  if (app.primaryPid === null) return false;
  await callPrimary(home, app.name, 'reopenLogs');
  return true;
}
