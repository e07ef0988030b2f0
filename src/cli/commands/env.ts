/** `clusterctl env <name> [--instance N]`: the environment a worker runs with. */
import type { Command } from 'commander';
import { REDACTED } from '../../protocol/redact';
import { print } from '../output';
import { withClient } from '../session';
import { parseInstanceOption } from './instance-option';

export function registerEnv(program: Command): void {
  program
    .command('env')
    .description('print the environment the worker of an instance runs with, one NAME=value a line (values hidden)')
    .argument('<name>', 'app name')
    .option('--instance <n>', 'the instance whose worker to show (default 0)')
    .option('--show-env', 'show the values (they are replaced by *** otherwise: they may be secrets)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl env web
  $ clusterctl env web --instance 1 --show-env | grep ^PORT=`,
    )
    .action(async (name: string, opts: { instance?: string; showEnv?: boolean }) => {
      const instance = parseInstanceOption(opts.instance);
      const r = await withClient((client) => client.env(instance === undefined ? { name } : { name, instance }));
      const keys = Object.keys(r.env).sort();
      print(keys.map((k) => `${k}=${opts.showEnv === true ? r.env[k] : REDACTED}\n`).join(''));
    });
}
