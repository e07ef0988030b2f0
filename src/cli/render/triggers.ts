/** How `ls` and `describe` show an app's watch and schedule. */
import type { AppInfo } from '../../protocol/types';
import { isoTime } from './format';

/** One line under the `ls` table per watched or scheduled app. */
export function triggerNotes(apps: AppInfo[]): string[] {
  const notes: string[] = [];
  for (const app of apps) {
    const w = app.watch;
    if (!w && app.spec.watch && app.status === 'stopped') notes.push(`${app.name} watch paused (the app is stopped)`);
    if (w) {
      let note = `${app.name} watching ${w.paths.join(', ')}`;
      if (w.lastFailure)
        note += `; last reload on change failed at ${isoTime(w.lastFailure.at)}: ${w.lastFailure.message}`;
      if (w.heldUntil !== null)
        note += `; ${w.consecutiveFailures} failures in a row: changes wait until ${isoTime(w.heldUntil)}`;
      notes.push(note);
    }
    const c = app.cron;
    if (c)
      notes.push(`${app.name} cron "${c.expr}"${c.tz === null ? '' : ` (${c.tz})`}, next run ${isoTime(c.nextRun)}`);
  }
  return notes;
}

/** Extra `describe` lines: from the spec when the app is stopped, with the live state when it runs. */
export function triggerLines(app: AppInfo): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const ws = app.spec.watch;
  if (ws) {
    lines.push([
      'watch',
      `${ws.paths.join(', ')} (delay ${ws.delayMs} ms${ws.usePolling ? `, polling every ${ws.interval} ms` : ''})`,
    ]);
    lines.push(['watch ignores', (app.watch?.ignored ?? ['node_modules', '.git', ...ws.ignore]).join(', ')]);
    const w = app.watch;
    if (!w) lines.push(['watch state', 'paused (the app is not running)']);
    else if (w.lastFailure)
      lines.push([
        'watch state',
        `last reload failed at ${isoTime(w.lastFailure.at)} (${w.consecutiveFailures} in a row): ${w.lastFailure.message}`,
      ]);
    else lines.push(['watch state', w.lastReload === null ? 'no change yet' : `last reload ${isoTime(w.lastReload)}`]);
  }
  const cs = app.spec.cron;
  if (cs) {
    lines.push(['cron restart', `${cs.expr}${cs.tz === null ? '' : ` (${cs.tz})`}`]);
    const c = app.cron;
    lines.push(['next run', c ? isoTime(c.nextRun) : '- (the app is not running)']);
    if (c && c.lastRun !== null) lines.push(['last run', `${isoTime(c.lastRun)}: ${c.lastResult ?? '-'}`]);
  }
  return lines;
}
