/** `clusterctl delete <name|all>`: stop and forget. */
import type { Command } from 'commander';
import { print } from '../output';
import { withClient } from '../session';

export function registerDelete(program: Command): void {
  program
    .command('delete')
    .alias('del')
    .description('stop an app gracefully and remove it from the list')
    .argument('<name|all>', 'app name, or "all"')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl delete web
  $ clusterctl delete all`,
    )
    .action(async (target: string) => {
      const { deleted } = await withClient((client) => client.delete({ target }));
      print(deleted.map((name) => `deleted ${name}`).join('\n'));
    });
}
