/**
 * `clusterctl save` (PM2's `dump` too): remember the running apps in dump.json, for
 * `resurrect`; `cleardump` empties it, so a boot's resurrect starts nothing.
 */
import type { Command } from 'commander';
import { notice, print } from '../output';
import { withClient } from '../session';

export function registerSave(program: Command): void {
  program
    .command('save')
    .alias('dump')
    .description('write the running apps (specs, instances, env) to dump.json for `clusterctl resurrect`')
    .option('--force', 'save even an empty list over a dump that lists apps')
    .addHelpText(
      'after',
      `
dump.json is written atomically (0600: it holds the apps' environments), and the
previous one is kept as dump.json.bak. Saving an empty list over a dump that
lists apps is refused unless --force.

Examples:
  $ clusterctl save
  $ clusterctl save --force`,
    )
    .action(async (flags: { force?: boolean }) => {
      const r = await withClient((client) => client.save(flags.force === true ? { force: true } : {}));
      for (const name of r.skipped) notice(`${name} is stopped; not saved`);
      const list =
        r.saved.length === 0
          ? 'no apps'
          : `${r.saved.length} app${r.saved.length === 1 ? '' : 's'} (${r.saved.join(', ')})`;
      print(`saved ${list} to ${r.path}${r.backup ? `; the previous dump is kept as ${r.backup}` : ''}`);
    });
  program
    .command('cleardump')
    .description('empty dump.json, so `clusterctl resurrect` (and the boot unit) starts no app; the apps keep running')
    .addHelpText(
      'after',
      `
The previous dump is kept as dump.json.bak.

Examples:
  $ clusterctl cleardump`,
    )
    .action(async () => {
      const r = await withClient((client) => client.save({ empty: true }));
      print(`emptied ${r.path}${r.backup ? `; the previous dump is kept as ${r.backup}` : ''}`);
    });
}
