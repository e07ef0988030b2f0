/** `clusterctl ls`: every app and its workers, answered from the daemon's memory. */
import type { Command } from 'commander';
import { redactAppInfo } from '../../protocol/redact';
import { print } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';

export function registerLs(program: Command): void {
  program
    .command('ls')
    // PM2's names for its list.
    .aliases(['list', 'l', 'ps', 'status'])
    .description('list every app and its workers: instance, pid, status, restarts, uptime, CPU and memory')
    .option('--json', 'print the AppInfo array as JSON (shape documented in the README)')
    .option('--show-env', 'with --json: show env values (they are replaced by *** otherwise: they may be secrets)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl ls
  $ clusterctl ls --json | jq '.[].workers[].pid'`,
    )
    .action(async (opts: { json?: boolean; showEnv?: boolean }) => {
      const apps = await withClient((client) => client.list());
      print(
        opts.json
          ? JSON.stringify(opts.showEnv === true ? apps : apps.map(redactAppInfo), null, 2)
          : renderAppTable(apps),
      );
    });
}
