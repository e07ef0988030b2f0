/**
 * The clusterctl program: every command is listed here, one module per
 * command under ./commands. Kept cheap to start: a run loads only the module
 * of the command it names (all of them for help, an unknown command, or no
 * command), and each command loads what it renders with when it runs.
 */
import { Command } from 'commander';
import { packageVersion } from '../protocol/version';

type Register = (program: Command) => void;

/** Each command module, by file name under ./commands (types only: nothing is loaded here). */
interface CommandModules {
  start: typeof import('./commands/start');
  ls: typeof import('./commands/ls');
  stop: typeof import('./commands/stop');
  restart: typeof import('./commands/restart');
  reload: typeof import('./commands/reload');
  scale: typeof import('./commands/scale');
  delete: typeof import('./commands/delete');
  describe: typeof import('./commands/describe');
  logs: typeof import('./commands/logs');
  flush: typeof import('./commands/flush');
  'reload-logs': typeof import('./commands/reload-logs');
  ping: typeof import('./commands/ping');
  apply: typeof import('./commands/apply');
  save: typeof import('./commands/save');
  resurrect: typeof import('./commands/resurrect');
  update: typeof import('./commands/update');
  kill: typeof import('./commands/kill');
  init: typeof import('./commands/init');
  startup: typeof import('./commands/startup');
  export: typeof import('./commands/export');
  web: typeof import('./commands/web');
  monit: typeof import('./commands/monit');
  reset: typeof import('./commands/reset');
  'send-signal': typeof import('./commands/send-signal');
  env: typeof import('./commands/env');
  pid: typeof import('./commands/pid');
  jlist: typeof import('./commands/jlist');
}

function commandModule<F extends keyof CommandModules>(file: F): CommandModules[F] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand so a run pays only for the command it names
  return require(`./commands/${file}`) as CommandModules[F];
}

/**
 * Every command, in help order: the names (and aliases) it answers to, and
 * how to load its module. Add a command by adding a line here.
 */
const COMMANDS: Array<{ names: string[]; load: () => Register }> = [
  { names: ['start'], load: () => commandModule('start').registerStart },
  { names: ['ls', 'list'], load: () => commandModule('ls').registerLs },
  { names: ['stop'], load: () => commandModule('stop').registerStop },
  { names: ['restart'], load: () => commandModule('restart').registerRestart },
  { names: ['reload'], load: () => commandModule('reload').registerReload },
  { names: ['scale'], load: () => commandModule('scale').registerScale },
  { names: ['delete', 'del'], load: () => commandModule('delete').registerDelete },
  { names: ['describe', 'show', 'info'], load: () => commandModule('describe').registerDescribe },
  { names: ['logs'], load: () => commandModule('logs').registerLogs },
  { names: ['flush'], load: () => commandModule('flush').registerFlush },
  { names: ['reload-logs'], load: () => commandModule('reload-logs').registerReloadLogs },
  { names: ['ping'], load: () => commandModule('ping').registerPing },
  { names: ['apply'], load: () => commandModule('apply').registerApply },
  { names: ['save'], load: () => commandModule('save').registerSave },
  { names: ['resurrect'], load: () => commandModule('resurrect').registerResurrect },
  { names: ['update', 'daemon'], load: () => commandModule('update').registerUpdate },
  { names: ['kill'], load: () => commandModule('kill').registerKill },
  { names: ['init', 'ecosystem'], load: () => commandModule('init').registerInit },
  { names: ['startup', 'unstartup'], load: () => commandModule('startup').registerStartup },
  { names: ['export'], load: () => commandModule('export').registerExport },
  { names: ['web'], load: () => commandModule('web').registerWeb },
  { names: ['monit'], load: () => commandModule('monit').registerMonit },
  { names: ['reset'], load: () => commandModule('reset').registerReset },
  { names: ['send-signal', 'sendSignal'], load: () => commandModule('send-signal').registerSendSignal },
  { names: ['env'], load: () => commandModule('env').registerEnv },
  { names: ['pid'], load: () => commandModule('pid').registerPid },
  { names: ['jlist'], load: () => commandModule('jlist').registerJlist },
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
  $ clusterctl run app.js -i max       in the foreground, no daemon (containers): clusterctl run --help

Environment:
  CLUSTERCTL_HOME   where the daemon keeps its socket, state and logs (default ~/.clusterctl)
  NO_COLOR          disable colours`,
    );

  for (const command of commandsFor(argv)) command.load()(program);
  return program;
}
