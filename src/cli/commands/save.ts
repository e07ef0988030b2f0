/** `clusterctl save`: remember the running apps in dump.json, for `resurrect`. */
import type { Command } from 'commander';
import { notice, print } from '../output';
import { withClient } from '../session';

export function registerSave(program: Command): void {
  program
    .command('save')
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
}
