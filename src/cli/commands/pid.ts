/** `clusterctl pid <name>`: the pids of the app's workers, one a line (for scripts). */
import type { Command } from 'commander';
import { servingWorkers } from '../../protocol/workers';
import { print } from '../output';
import { withClient } from '../session';

export function registerPid(program: Command): void {
  program
    .command('pid')
    .description("print the pids of an app's running workers, one a line, by instance (nothing when it is stopped)")
    .argument('<name>', 'app name')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl pid web
  $ kill -USR2 $(clusterctl pid web | head -1)`,
    )
    .action(async (name: string) => {
      const app = await withClient((client) => client.describe({ name }));
      // One pid per instance: during a reload, the serving one (not the replacement or the retiring one).
      const pids = servingWorkers(app.workers)
        .sort((a, b) => a.instance - b.instance)
        .flatMap((w) => (w.pid === null ? [] : [String(w.pid)]));
      print(pids.map((p) => `${p}\n`).join(''));
    });
}
