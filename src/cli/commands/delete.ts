/** `clusterctl delete <name|all>`: stop and forget. */
import type { Command } from 'commander';
import { print } from '../output';
import { withClient } from '../session';
import { configFileTarget, fileFlags, refuseFileFlags, stopOrDeleteFile } from './file-verbs';

export function registerDelete(program: Command): void {
  program
    .command('delete')
    .alias('del')
    .description('stop an app gracefully and remove it from the list')
    .argument('<name|all|file>', 'app name, "all", or a config file (its apps)')
    .option('--only <names>', 'with a config file: only these of its apps (comma-separated)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl delete web
  $ clusterctl delete all
  $ clusterctl delete ecosystem.config.js`,
    )
    .action(async (target: string, flags: { only?: string }) => {
      const file = configFileTarget(target);
      if (file !== null) return stopOrDeleteFile('delete', file, fileFlags(flags));
      refuseFileFlags(flags);
      const { deleted } = await withClient((client) => client.delete({ target }));
      print(deleted.map((name) => `deleted ${name}`).join('\n'));
    });
}
