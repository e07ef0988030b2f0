/**
 * The clusterctl program: every command is listed here, one module per
 * command under ./commands. Kept cheap to start: a run loads only the module
 * of the command it names (all of them for help, an unknown command, or no
 * command), and each command loads what it renders with when it runs.
 */
import { Command } from 'commander';
import { packageVersion } from '../protocol/version';

type Register = (program: Command) => void;

/**
 * Every command, in help order: the names (and aliases) it answers to, and
 * how to load its module. Add a command by adding a line here.
 */
const COMMANDS: Array<{ names: string[]; load: () => Register }> = [
  { names: ['start'], load: () => (require('./commands/start') as typeof import('./commands/start')).registerStart },
  { names: ['ls', 'list'], load: () => (require('./commands/ls') as typeof import('./commands/ls')).registerLs },
  { names: ['stop'], load: () => (require('./commands/stop') as typeof import('./commands/stop')).registerStop },
  {
    names: ['restart'],
    load: () => (require('./commands/restart') as typeof import('./commands/restart')).registerRestart,
  },
  {
    names: ['reload'],
    load: () => (require('./commands/reload') as typeof import('./commands/reload')).registerReload,
  },
  { names: ['scale'], load: () => (require('./commands/scale') as typeof import('./commands/scale')).registerScale },
  {
    names: ['delete', 'del'],
    load: () => (require('./commands/delete') as typeof import('./commands/delete')).registerDelete,
  },
  {
    names: ['describe'],
    load: () => (require('./commands/describe') as typeof import('./commands/describe')).registerDescribe,
  },
  { names: ['logs'], load: () => (require('./commands/logs') as typeof import('./commands/logs')).registerLogs },
  { names: ['flush'], load: () => (require('./commands/flush') as typeof import('./commands/flush')).registerFlush },
  {
    names: ['reload-logs'],
    load: () => (require('./commands/reload-logs') as typeof import('./commands/reload-logs')).registerReloadLogs,
  },
  { names: ['ping'], load: () => (require('./commands/ping') as typeof import('./commands/ping')).registerPing },
  { names: ['apply'], load: () => (require('./commands/apply') as typeof import('./commands/apply')).registerApply },
  { names: ['save'], load: () => (require('./commands/save') as typeof import('./commands/save')).registerSave },
  {
    names: ['resurrect'],
    load: () => (require('./commands/resurrect') as typeof import('./commands/resurrect')).registerResurrect,
  },
  {
    names: ['update', 'daemon'],
    load: () => (require('./commands/update') as typeof import('./commands/update')).registerUpdate,
  },
  { names: ['kill'], load: () => (require('./commands/kill') as typeof import('./commands/kill')).registerKill },
];

/** The commands a run needs: the one argv names, none for a bare --version, else all. */
function commandsFor(argv: readonly string[] | undefined): typeof COMMANDS {
  if (argv === undefined) return COMMANDS;
  const rest = argv.slice(2);
  // The root program's options take no value, so the first operand is the command.
  const name = rest.find((a) => !a.startsWith('-'));
  if (name === undefined) return rest.length > 0 && rest.every((a) => a === '-v' || a === '--version') ? [] : COMMANDS;
  const one = COMMANDS.find((c) => c.names.includes(name));
  return one ? [one] : COMMANDS;
}

/** The program for `argv` (process.argv); without it, every command is registered. */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('clusterctl');
  program
    .description('A process manager for Node.js services: one node:cluster primary per app, zero-downtime reloads.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl start app.js -i max     start app.js on every CPU
  $ clusterctl ls                      list apps and workers
  $ clusterctl reload app              replace every worker without downtime
  $ clusterctl kill                    stop every app and the daemon

Environment:
  CLUSTERCTL_HOME   where the daemon keeps its socket, state and logs (default ~/.clusterctl)
  NO_COLOR          disable colours`,
    );

  for (const command of commandsFor(argv)) command.load()(program);
  return program;
}
