/**
 * `clusterctl monit`: a live view of every app and worker with the selected
 * app's log, redrawn from the changes the daemon pushes. Needs a terminal;
 * the terminal is restored however it ends.
 */
import type { Command } from 'commander';
import { isTerminal, reportError, usage, useColor } from '../output';
import { DEFAULT_LOG_CAP } from '../monit/log-buffer';
import { Monitor } from '../monit/monitor';
import { colorPalette, PLAIN_PALETTE } from '../monit/palette';
import { Terminal } from '../monit/terminal';
import { withClient } from '../session';

/** Lines of each of the selected app's log files shown when it is selected. */
const HISTORY_LINES = 200;

export function registerMonit(program: Command): void {
  program
    .command('monit')
    .description('live view of every app and worker (status, CPU, memory, restarts, uptime) and the selected app’s log')
    .addHelpText(
      'after',
      `
Keys:
  up/down, j/k   select an app (its log follows below the table)
  r              reload the selected app (zero downtime)
  R              restart it
  s              stop it
  q, Ctrl-C      quit

The view is redrawn from what the daemon pushes; it needs a terminal (piped, it exits 2).

Examples:
  $ clusterctl monit
  $ NO_COLOR=1 clusterctl monit      the same, without colours`,
    )
    .action(async () => {
      if (!isTerminal(process.stdout) || !isTerminal(process.stdin)) {
        throw usage('monit needs a terminal on stdin and stdout; use `clusterctl ls` or `clusterctl logs` in a pipe');
      }
      const terminal = new Terminal(process.stdout, process.stdin);
      const palette = useColor() ? colorPalette() : PLAIN_PALETTE;
      const onCrash = (err: unknown): void => {
        // Restored before anything is printed, or the error is lost with the alternate screen.
        terminal.restore();
        process.exit(reportError(err));
      };
      process.once('uncaughtException', onCrash);
      try {
        await withClient((client) =>
          new Monitor(client, terminal, { history: HISTORY_LINES, logCap: DEFAULT_LOG_CAP, palette }).run(),
        );
      } finally {
        terminal.restore();
        process.removeListener('uncaughtException', onCrash);
      }
    });
}
