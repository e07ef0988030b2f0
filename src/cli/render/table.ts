/**
 * The `ls` table: one row per worker, one row for an app with no workers
 * (stopped), and a note under the table for every worker that is not online
 * with a reason (a failed listen, a crash loop).
 */
import { DEFAULT_NAMESPACE } from '../../protocol/app-name';
import type { AppInfo } from '../../protocol/types';
import { renderBoxTable } from './box-table';
import { paintStatus } from './colors';
import { humanBytes, humanCpu, humanDuration } from './format';
import { triggerNotes } from './triggers';
import { instanceLabel, reasonText, sortedWorkers } from './worker-text';

export const HEAD = ['app', 'id', 'pid', 'status', 'restarts', 'uptime', 'cpu', 'mem', 'mode'];

/** Old daemons' specs have no mode: cluster, as they ran. */
function modeOf(app: AppInfo): string {
  return (app.spec as Partial<AppInfo['spec']>).execMode ?? 'cluster';
}

export function appRows(apps: AppInfo[], now: number = Date.now()): string[][] {
  const rows: string[][] = [];
  for (const app of apps) {
    if (app.workers.length === 0) {
      rows.push([app.name, '-', '-', paintStatus(app.status), '-', '-', '-', '-', modeOf(app)]);
      continue;
    }
    for (const w of sortedWorkers(app.workers)) {
      rows.push([
        app.name,
        instanceLabel(w),
        w.pid === null ? '-' : String(w.pid),
        paintStatus(w.status),
        String(w.restarts),
        w.startedAt === null || w.status !== 'online' ? '-' : humanDuration(now - w.startedAt),
        humanCpu(w.cpu),
        humanBytes(w.memory),
        modeOf(app),
      ]);
    }
  }
  return rows;
}

export function workerNotes(apps: AppInfo[], now: number = Date.now()): string[] {
  const notes: string[] = [];
  for (const app of apps) {
    for (const w of app.workers) {
      const reason = reasonText(w, now);
      if (reason !== null && w.status !== 'online')
        notes.push(`${app.name} #${instanceLabel(w)} ${w.status}: ${reason}`);
    }
  }
  return notes;
}

/** Old daemons' specs have no namespace: the default, as PM2 gives every app. */
export function namespaceOf(app: AppInfo): string {
  return (app.spec as Partial<AppInfo['spec']>).namespace ?? DEFAULT_NAMESPACE;
}

/**
 * A `namespace` column after `app`, only when some app shown is in another
 * namespace than the default: a table of apps that use none stays as it was.
 */
function withNamespaces(apps: AppInfo[], rows: string[][]): { head: string[]; rows: string[][] } {
  if (apps.every((a) => namespaceOf(a) === DEFAULT_NAMESPACE)) return { head: HEAD, rows };
  const byName = new Map(apps.map((a) => [a.name, namespaceOf(a)]));
  const insert = (row: string[], cell: string): string[] => [row[0] ?? '', cell, ...row.slice(1)];
  return {
    head: insert(HEAD, 'namespace'),
    rows: rows.map((r) => insert(r, byName.get(r[0] ?? '') ?? DEFAULT_NAMESPACE)),
  };
}

export function renderAppTable(apps: AppInfo[], now: number = Date.now()): string {
  if (apps.length === 0) return 'no apps: start one with `clusterctl start app.js`\n';
  const notes = [...workerNotes(apps, now), ...triggerNotes(apps)];
  const { head, rows } = withNamespaces(apps, appRows(apps, now));
  return `${renderBoxTable(head, rows)}\n${notes.map((n) => `${n}\n`).join('')}`;
}
