/** `clusterctl stop <name|all>`: graceful stop; the app stays listed as stopped. */
import type { Command } from 'commander';
import { print } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';

export function registerStop(program: Command): void {
  program
    .command('stop')
    .description('stop an app gracefully (disconnect, stop signal, SIGKILL after the kill timeout); it stays listed')
    .argument('<name|all>', 'app name, or "all"')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl stop web
  $ clusterctl stop all`,
    )
    .action(async (target: string) => {
      const apps = await withClient((client) => client.stop({ target }));
      print(renderAppTable(apps));
    });
}
