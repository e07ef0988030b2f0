/** `clusterctl scale <name> <N|+N|-N|max>`: add or remove workers; the others are not touched. */
import type { Command } from 'commander';
import { parseScaleTarget } from '../../config/instances';
import { print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';

export function registerScale(program: Command): void {
  program
    .command('scale')
    .description(
      'set the number of workers: new ones take the lowest free instance numbers, the highest are stopped first',
    )
    .argument('<name>', 'app name')
    .argument('<count>', 'N (exactly), +N (add), -N (remove) or "max" (one per usable CPU)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl scale web 4
  $ clusterctl scale web +2
  $ clusterctl scale web -1
  $ clusterctl scale web max`,
    )
    .action(async (name: string, count: string) => {
      const target = parseScaleTarget(count);
      if (target.mode === 'absolute' && target.value < 1) {
        throw usage(`cannot scale ${name} to ${target.value} instances; to stop it, run \`clusterctl stop ${name}\``);
      }
      const app = await withClient((client) => client.scale({ name, target }));
      print(renderAppTable([app]));
    });
}
