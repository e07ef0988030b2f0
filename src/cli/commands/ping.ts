/** `clusterctl ping`: is the daemon there, which one, for how long. */
import type { Command } from 'commander';
import { print } from '../output';
import { humanDuration } from '../render/format';
import { withClient } from '../session';

export function registerPing(program: Command): void {
  program
    .command('ping')
    .description('check the daemon answers (it is started if needed); print its pid, version and uptime')
    .addHelpText(
      'after',
      `
Example:
  $ clusterctl ping`,
    )
    .action(async () => {
      const info = await withClient((client) => client.ping());
      print(
        `daemon pid ${info.pid}, version ${info.version} (protocol ${info.protocol}), up ${humanDuration(info.uptime)}, home ${info.home}`,
      );
    });
}
