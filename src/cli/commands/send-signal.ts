/** `clusterctl send-signal <SIGNAL> <name> [--instance N]`: a signal to every worker of an app, or to one. */
import type { Command } from 'commander';
import { SENDABLE_SIGNALS, type SendableSignal } from '../../protocol/types';
import { print, usage } from '../output';
import { withClient } from '../session';
import { parseInstanceOption } from './instance-option';

function parseSignal(raw: string): SendableSignal {
  const upper = raw.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const found = SENDABLE_SIGNALS.find((s) => s === name);
  if (!found) throw usage(`unknown signal ${JSON.stringify(raw)}: expected one of ${SENDABLE_SIGNALS.join(', ')}`);
  return found;
}

export function registerSendSignal(program: Command): void {
  program
    .command('send-signal')
    .alias('sendSignal')
    .description("send a signal to every worker of an app, or to one instance's worker (not to the app primary)")
    .argument('<signal>', `signal name, with or without SIG: ${SENDABLE_SIGNALS.join(', ')}`)
    .argument('<name>', 'app name')
    .option('--instance <n>', 'only the worker of this instance')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl send-signal SIGUSR2 web              every worker of web
  $ clusterctl send-signal usr1 web --instance 1    only instance 1`,
    )
    .action(async (rawSignal: string, name: string, opts: { instance?: string }) => {
      const signal = parseSignal(rawSignal);
      const instance = parseInstanceOption(opts.instance);
      const r = await withClient((client) =>
        client.sendSignal(instance === undefined ? { name, signal } : { name, signal, instance }),
      );
      print(r.signalled.map((w) => `${signal} sent to ${name} #${w.instance} (pid ${w.pid})\n`).join(''));
    });
}
