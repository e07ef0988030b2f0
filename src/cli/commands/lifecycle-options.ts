/** The lifecycle options `restart` and `reload` share; what they set is kept in the app's spec. */
import type { Command } from 'commander';

export function addLifecycleOptions(command: Command): Command {
  return command
    .option('--wait-ready', 'from now on, a worker is online only once it calls process.send("ready")')
    .option('--listen-timeout <ms>', 'new listen timeout, kept in the spec')
    .option('--kill-timeout <ms>', 'new kill timeout, kept in the spec')
    .option('--stop-signal <signal>', 'new stop signal, kept in the spec');
}
