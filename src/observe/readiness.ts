/**
 * Readiness of a set of apps, as /readyz answers it: an app that should run
 * (every status but 'stopped', which is stopped on purpose) is ready when it
 * has as many workers as its spec asks for and each of them is online.
 * Pure: the daemon and `clusterctl run --http` both pass their AppInfo[].
 */
import type { AppInfo } from '../protocol/types';
import { servingWorkers } from '../protocol/workers';

export interface NotOnlineWorker {
  instance: number;
  status: string;
  reason: string | null;
  /** waiting-restart: epoch ms the restart is due, else null. */
  restartAt: number | null;
}

export interface AppReadiness {
  name: string;
  ready: boolean;
  status: string;
  online: number;
  expected: number;
  notOnline: NotOnlineWorker[];
}

export interface ReadinessBody {
  ready: boolean;
  /** Names of the apps that should run and are not ready. */
  notReady: string[];
  apps: AppReadiness[];
}

export interface Readiness {
  ok: boolean;
  /** 404 when `name` names no app; otherwise 200 or 503 from `ok`. */
  found: boolean;
  body: ReadinessBody;
}

function appReadiness(app: AppInfo): AppReadiness {
  const expected = app.status === 'stopped' ? 0 : app.spec.instances;
  const workers = servingWorkers(app.workers);
  const online = workers.filter((w) => w.status === 'online').length;
  const notOnline = workers
    .filter((w) => w.status !== 'online')
    .map((w) => ({ instance: w.instance, status: w.status, reason: w.reason, restartAt: w.restartAt ?? null }));
  return {
    name: app.name,
    ready: app.status === 'stopped' || (online >= expected && notOnline.length === 0),
    status: app.status,
    online,
    expected,
    notOnline,
  };
}

export function readiness(apps: AppInfo[], name?: string): Readiness {
  const chosen = name === undefined ? apps : apps.filter((a) => a.name === name);
  const rows = chosen.map(appReadiness);
  const notReady = rows.filter((r) => !r.ready).map((r) => r.name);
  const found = name === undefined || chosen.length > 0;
  const ok = found && notReady.length === 0;
  return { ok, found, body: { ready: ok, notReady, apps: rows } };
}
