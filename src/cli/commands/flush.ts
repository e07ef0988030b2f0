/** `clusterctl flush [name]`: empty the log files of one app, or of every app. */
import type { Command } from 'commander';
import { print } from '../output';
import { withClient } from '../session';

export function registerFlush(program: Command): void {
  program
    .command('flush')
    .description('empty the out and err log files of an app (or of every app) and delete their rotated files')
    .argument('[name]', 'app name, or "all" (the default)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl flush            every app
  $ clusterctl flush api`,
    )
    .action(async (name: string | undefined) => {
      const { flushed } = await withClient((client) => client.flush(name === undefined ? {} : { target: name }));
      print(flushed.length === 0 ? 'no apps: nothing to flush' : `flushed the logs of ${flushed.join(', ')}`);
    });
}
