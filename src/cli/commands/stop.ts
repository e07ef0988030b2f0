/** `clusterctl stop <name|all>`: graceful stop; the app stays listed as stopped. */
import type { Command } from 'commander';
import { print } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';
import { configFileTarget, fileFlags, refuseFileFlags, stopOrDeleteFile } from './file-verbs';

export function registerStop(program: Command): void {
  program
    .command('stop')
    .description('stop an app gracefully (disconnect, stop signal, SIGKILL after the kill timeout); it stays listed')
    .argument('<name|all|file>', 'app name, "all", or a config file (its apps)')
    .option('--only <names>', 'with a config file: only these of its apps (comma-separated)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl stop web
  $ clusterctl stop all
  $ clusterctl stop ecosystem.config.js --only api`,
    )
    .action(async (target: string, flags: { only?: string }) => {
      const file = configFileTarget(target);
      if (file !== null) return stopOrDeleteFile('stop', file, fileFlags(flags));
      refuseFileFlags(flags);
      const apps = await withClient((client) => client.stop({ target }));
      print(renderAppTable(apps));
    });
}
