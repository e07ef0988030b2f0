/** `clusterctl reset <name|all>`: restart counters back to 0. */
import type { Command } from 'commander';
import { print } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';

export function registerReset(program: Command): void {
  program
    .command('reset')
    .description('set the restart counters of an app (or of every app) back to 0; the workers are not touched')
    .argument('<name|all>', 'app name, or "all"')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl reset web
  $ clusterctl reset all`,
    )
    .action(async (target: string) => {
      const apps = await withClient((client) => client.reset({ target }));
      print(renderAppTable(apps));
    });
}
