/**
 * The clusterctl program: every command is registered here, one module per
 * command under ./commands. Kept cheap to load: commander and the protocol
 * client only; each command loads what it renders with when it runs.
 */
import { Command } from 'commander';
import { packageVersion } from '../protocol/version';
import { registerApply } from './commands/apply';
import { registerDelete } from './commands/delete';
import { registerDescribe } from './commands/describe';
import { registerFlush } from './commands/flush';
import { registerKill } from './commands/kill';
import { registerLogs } from './commands/logs';
import { registerLs } from './commands/ls';
import { registerPing } from './commands/ping';
import { registerReload } from './commands/reload';
import { registerReloadLogs } from './commands/reload-logs';
import { registerRestart } from './commands/restart';
import { registerResurrect } from './commands/resurrect';
import { registerSave } from './commands/save';
import { registerScale } from './commands/scale';
import { registerStart } from './commands/start';
import { registerStop } from './commands/stop';
import { registerUpdate } from './commands/update';

export function buildProgram(): Command {
  const program = new Command('clusterctl');
  program
    .description('A process manager for Node.js services: one node:cluster primary per app, zero-downtime reloads.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', `
Examples:
  $ clusterctl start app.js -i max     start app.js on every CPU
  $ clusterctl ls                      list apps and workers
  $ clusterctl reload app              replace every worker without downtime
  $ clusterctl kill                    stop every app and the daemon

Environment:
  CLUSTERCTL_HOME   where the daemon keeps its socket, state and logs (default ~/.clusterctl)
  NO_COLOR          disable colours`);

  registerStart(program);
  registerLs(program);
  registerStop(program);
  registerRestart(program);
  registerReload(program);
  registerScale(program);
  registerDelete(program);
  registerDescribe(program);
  registerLogs(program);
  registerFlush(program);
  registerReloadLogs(program);
  registerPing(program);
  registerApply(program);
  registerSave(program);
  registerResurrect(program);
  registerUpdate(program);
  registerKill(program);
  return program;
}
