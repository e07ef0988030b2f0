/** `clusterctl jlist` (and `prettylist`): PM2's names for `ls --json`. */
import type { Command } from 'commander';
import { redactAppInfo } from '../../protocol/redact';
import { print } from '../output';
import { withClient } from '../session';

export function registerJlist(program: Command): void {
  program
    .command('jlist')
    // PM2 prints jlist on one line and prettylist indented; both are indented here, and jq reads either.
    .alias('prettylist')
    .description('the same as `ls --json`: every app as JSON')
    .option('--show-env', 'show env values (they are replaced by *** otherwise: they may be secrets)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl jlist | jq '.[] | {name, status}'`,
    )
    .action(async (opts: { showEnv?: boolean }) => {
      const apps = await withClient((client) => client.list());
      print(JSON.stringify(opts.showEnv === true ? apps : apps.map(redactAppInfo), null, 2));
    });
}
