/**
 * The clusterctl program: every command is listed here, one module per
 * command under ./commands. Kept cheap to start: a run loads only the module
 * of the command it names (all of them for help, an unknown command, or no
 * command), and each command loads what it renders with when it runs.
 */
import { Command } from 'commander';
import { packageVersion } from '../protocol/version';
import { commandName, isVersionOnly } from './argv';

type Register = (program: Command) => void;

/** Each command module, by file name under ./commands (types only: nothing is loaded here). */
interface CommandModules {
  start: typeof import('./commands/start');
  ls: typeof import('./commands/ls');
  stop: typeof import('./commands/stop');
  restart: typeof import('./commands/restart');
  reload: typeof import('./commands/reload');
  'start-or': typeof import('./commands/start-or');
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

/**
 * How to load each command module. The paths are literals, one per command,
 * so that the CLI bundle (scripts/bundle-cli.js) can tell the commands it
 * carries from those it leaves out; each is required only when called.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return -- typed by CommandModules */
const LOADERS: { [F in keyof CommandModules]: () => CommandModules[F] } = {
  start: () => require('./commands/start'),
  ls: () => require('./commands/ls'),
  stop: () => require('./commands/stop'),
  restart: () => require('./commands/restart'),
  reload: () => require('./commands/reload'),
  'start-or': () => require('./commands/start-or'),
  scale: () => require('./commands/scale'),
  delete: () => require('./commands/delete'),
  describe: () => require('./commands/describe'),
  logs: () => require('./commands/logs'),
  flush: () => require('./commands/flush'),
  'reload-logs': () => require('./commands/reload-logs'),
  ping: () => require('./commands/ping'),
  apply: () => require('./commands/apply'),
  save: () => require('./commands/save'),
  resurrect: () => require('./commands/resurrect'),
  update: () => require('./commands/update'),
  kill: () => require('./commands/kill'),
  init: () => require('./commands/init'),
  startup: () => require('./commands/startup'),
  export: () => require('./commands/export'),
  web: () => require('./commands/web'),
  monit: () => require('./commands/monit'),
  reset: () => require('./commands/reset'),
  'send-signal': () => require('./commands/send-signal'),
  env: () => require('./commands/env'),
  pid: () => require('./commands/pid'),
  jlist: () => require('./commands/jlist'),
};
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return */

type CommandFile = keyof CommandModules;

interface CommandEntry {
  /** The names (and aliases) it answers to. */
  names: string[];
  /** Its module, under ./commands. */
  file: CommandFile;
  load: () => Register;
}

function command<F extends CommandFile>(
  file: F,
  names: string[],
  pick: (m: CommandModules[F]) => Register,
): CommandEntry {
  return { names, file, load: () => pick(LOADERS[file]()) };
}

/**
 * Every command, in help order: its module, the names (and aliases) it
 * answers to, and its register function. Add a command by adding a line here.
 */
const COMMANDS: CommandEntry[] = [
  command('start', ['start'], (m) => m.registerStart),
  command('ls', ['ls', 'list', 'l', 'ps', 'status'], (m) => m.registerLs),
  command('stop', ['stop'], (m) => m.registerStop),
  command('restart', ['restart'], (m) => m.registerRestart),
  command('reload', ['reload'], (m) => m.registerReload),
  command('scale', ['scale'], (m) => m.registerScale),
  command('delete', ['delete', 'del'], (m) => m.registerDelete),
  command('describe', ['describe', 'show', 'info', 'desc'], (m) => m.registerDescribe),
  command('logs', ['logs'], (m) => m.registerLogs),
  command('flush', ['flush'], (m) => m.registerFlush),
  command('reload-logs', ['reload-logs', 'reloadLogs'], (m) => m.registerReloadLogs),
  command('ping', ['ping'], (m) => m.registerPing),
  command('apply', ['apply'], (m) => m.registerApply),
  command(
    'start-or',
    [
      'start-or-restart',
      'startOrRestart',
      'start-or-reload',
      'startOrReload',
      'start-or-graceful-reload',
      'startOrGracefulReload',
    ],
    (m) => m.registerStartOr,
  ),
  command('save', ['save', 'dump', 'cleardump'], (m) => m.registerSave),
  command('resurrect', ['resurrect'], (m) => m.registerResurrect),
  command('update', ['update', 'daemon'], (m) => m.registerUpdate),
  command('kill', ['kill'], (m) => m.registerKill),
  command('init', ['init', 'ecosystem'], (m) => m.registerInit),
  command('startup', ['startup', 'unstartup'], (m) => m.registerStartup),
  command('export', ['export'], (m) => m.registerExport),
  command('web', ['web'], (m) => m.registerWeb),
  command('monit', ['monit'], (m) => m.registerMonit),
  command('reset', ['reset'], (m) => m.registerReset),
  command('send-signal', ['send-signal', 'sendSignal'], (m) => m.registerSendSignal),
  command('env', ['env'], (m) => m.registerEnv),
  command('pid', ['pid'], (m) => m.registerPid),
  command('jlist', ['jlist', 'prettylist'], (m) => m.registerJlist),
];

/** The commands a run needs: the one argv names, none for a bare --version, else all. */
function commandsFor(argv: readonly string[] | undefined): CommandEntry[] {
  if (argv === undefined) return COMMANDS;
  const name = commandName(argv);
  if (name === undefined) return isVersionOnly(argv) ? [] : COMMANDS;
  const one = COMMANDS.find((c) => c.names.includes(name));
  return one ? [one] : COMMANDS;
}

/** The command modules a run of `argv` loads (what the CLI bundle's routing is tested against). */
export function commandFilesFor(argv: readonly string[]): CommandFile[] {
  return commandsFor(argv).map((c) => c.file);
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
