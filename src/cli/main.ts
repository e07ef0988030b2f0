/** Entry point of the `clusterctl` binary: run the program, turn every failure into one line and an exit code. */
import { CommanderError } from 'commander';
import { notice, reportError } from './output';
import { buildProgram } from './program';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return err.exitCode;
      notice(err.message.replace(/^error: /, ''));
      process.stderr.write('hint: run `clusterctl --help` or `clusterctl <command> --help`\n');
      return 2;
    }
    return reportError(err);
  }
}

// A reader that goes away (`clusterctl --help | head`) is not an error: stop quietly, as Unix tools do.
// Node reports the closed pipe as an 'error' event (EPIPE) on the stream, which is fatal, with a stack
// trace, when nothing listens for it (nodejs/node#947).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
