/** `clusterctl reload-logs`: reopen every log file by path, for an external logrotate. */
import type { Command } from 'commander';
import { print } from '../output';
import { withClient } from '../session';

export function registerReloadLogs(program: Command): void {
  program
    .command('reload-logs')
    .alias('reloadLogs')
    .description(
      "close and reopen every log file by path (the apps' and daemon.log), after an external logrotate moved them",
    )
    .addHelpText(
      'after',
      `
clusterctl rotates its logs itself (--log-max-size, --log-retain). With an
external logrotate that moves the files, run this in its postrotate script;
with copytruncate it is not needed.

Example:
  $ clusterctl reload-logs`,
    )
    .action(async () => {
      const { reopened } = await withClient((client) => client.reloadLogs());
      print(
        reopened.length === 0
          ? 'reopened daemon.log (no app is running)'
          : `reopened the log files of ${reopened.join(', ')} and daemon.log`,
      );
    });
}
