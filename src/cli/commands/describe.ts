/** `clusterctl describe <name>`: the spec and every worker's state and last exit. */
import type { Command } from 'commander';
import { redactAppInfo } from '../../protocol/redact';
import { print } from '../output';
import { renderDescribe } from '../render/describe';
import { withClient } from '../session';

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .aliases(['show', 'info', 'desc'])
    .description("show an app's spec and, per worker, pid, status, start time, restarts and last exit")
    .argument('<name>', 'app name')
    .option('--json', 'print the AppInfo object as JSON')
    .option('--show-env', 'with --json: show env values (they are replaced by *** otherwise: they may be secrets)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl describe web
  $ clusterctl describe web --json | jq '.workers[].lastExit'`,
    )
    .action(async (name: string, opts: { json?: boolean; showEnv?: boolean }) => {
      const { app, all } = await withClient(async (client) => {
        const described = await client.describe({ name });
        // Only an app of a primary group needs the others: they say how many share its host.
        const others = described.spec.primaryGroup === null || opts.json === true ? [described] : await client.list();
        return { app: described, all: others };
      });
      print(
        opts.json
          ? JSON.stringify(opts.showEnv === true ? app : redactAppInfo(app), null, 2)
          : renderDescribe(app, Date.now(), all),
      );
    });
}
