/**
 * The `ls` table: one row per worker, one row for an app with no workers
 * (stopped), and a note under the table for every worker that is not online
 * with a reason (a failed listen, a crash loop).
 */
import type { AppInfo } from '../../protocol/types';
import { paintStatus } from './colors';
import { humanBytes, humanCpu, humanDuration } from './format';
import { triggerNotes } from './triggers';

const HEAD = ['app', 'id', 'pid', 'status', 'restarts', 'uptime', 'cpu', 'mem', 'mode'];

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
    const workers = [...app.workers].sort((a, b) => a.instance - b.instance || (a.startedAt ?? 0) - (b.startedAt ?? 0));
    for (const w of workers) {
      rows.push([
        app.name,
        String(w.instance),
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

export function workerNotes(apps: AppInfo[]): string[] {
  const notes: string[] = [];
  for (const app of apps) {
    for (const w of app.workers) {
      if (w.reason !== null && w.status !== 'online') notes.push(`${app.name} #${w.instance} ${w.status}: ${w.reason}`);
    }
  }
  return notes;
}

export function renderAppTable(apps: AppInfo[]): string {
  if (apps.length === 0) return 'no apps: start one with `clusterctl start app.js`\n';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a command that prints a table loads cli-table3
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: HEAD,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  for (const row of appRows(apps)) table.push(row);
  const notes = [...workerNotes(apps), ...triggerNotes(apps)];
  return `${table.toString()}\n${notes.map((n) => `${n}\n`).join('')}`;
}
