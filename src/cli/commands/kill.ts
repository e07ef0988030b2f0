/** `clusterctl kill`: stop every app gracefully, then the daemon. Never starts a daemon. */
import type { Command } from 'commander';
import { waitForExit } from '../../os/liveness';
import { resolveHome } from '../../protocol/paths';
import { notice, print } from '../output';
import { connectIfRunning } from '../session';

export function registerKill(program: Command): void {
  program
    .command('kill')
    .description('stop every app gracefully, then the daemon (its sockets are removed); exits 0 when no daemon runs')
    .addHelpText(
      'after',
      `
Example:
  $ clusterctl kill`,
    )
    .action(async () => {
      const client = await connectIfRunning();
      if (client === null) {
        print(`no daemon is running for ${resolveHome()}`);
        return;
      }
      const pid = client.daemon.pid;
      let stopped: string[];
      try {
        ({ stopped } = await client.kill());
      } finally {
        client.close();
      }
      if (!(await waitForExit(pid, 10000))) notice(`the daemon (pid ${pid}) is still running 10 s after kill`);
      print(
        stopped.length === 0
          ? `daemon (pid ${pid}) stopped; no app was running`
          : `stopped ${stopped.join(', ')}; daemon (pid ${pid}) stopped`,
      );
    });
}
