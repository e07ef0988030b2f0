/**
 * The options of `clusterctl start`, in `--help` order: what the app runs,
 * where its output goes, and how its workers are supervised. Each one is
 * read by `specFromFlags` (src/config/flags.ts).
 */
import type { Command } from 'commander';
import type { StartFlags } from '../../config/flags';
import { SUPERVISION_FLAG_KEYS } from '../../config/supervision-flags';
import { TRIGGER_FLAG_KEYS } from '../../config/triggers';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Flags that describe a new app; meaningless when starting a registered app by name. */
export const NEW_APP_FLAGS: Array<keyof StartFlags> = [
  'instances',
  'name',
  'cwd',
  'nodeArgs',
  'interpreter',
  'killTimeout',
  'stopSignal',
  'waitReady',
  'listenTimeout',
  'env',
  'execMode',
  'interpreterArgs',
  'readyUrl',
  'readyPort',
  'readyLog',
  'shutdownWithMessage',
  'sticky',
  'primaryGroup',
  'scheduling',
  'namespace',
  'out',
  'err',
  'log',
  'time',
  'logDateFormat',
  'logFormat',
  'logMaxSize',
  'logRetain',
  'logCompress',
  ...SUPERVISION_FLAG_KEYS,
  ...TRIGGER_FLAG_KEYS,
];

/** What runs: the instances, the script's name and directory, the interpreter, the stop and the environment. */
function addAppOptions(command: Command): Command {
  return command
    .option(
      '-i, --instances <n>',
      'workers: a number, "max" or 0 (every usable CPU), or -N (every CPU but N)',
      undefined,
    )
    .option('--name <name>', 'app name, spaces allowed (default: the script file name without its extension)')
    .option('--cwd <dir>', 'working directory of the workers (default: the current directory)')
    .option('--node-args <args>', 'Node.js flags for the workers, e.g. "--max-old-space-size=512"')
    .option(
      '--interpreter <program>',
      'what runs the script: a node binary, "none" (the script itself), or any program such as python3 or bash (fork mode) (default: by extension; node)',
    )
    .option('--interpreter-args <args>', 'arguments of a non-Node interpreter, before the script')
    .option(
      '--exec-mode <mode>',
      '"cluster" (node:cluster workers sharing ports; default for Node) or "fork" (independent processes, any executable)',
    )
    .option('--ready-url <url>', 'online once a GET of this URL answers 200-399 (within --listen-timeout)')
    .option('--ready-port <port>', 'online once 127.0.0.1:<port> accepts a TCP connection (within --listen-timeout)')
    .option('--ready-log <text>', 'online once a line of output contains this text (within --listen-timeout)')
    .option('--kill-timeout <ms>', 'ms between the stop signal and SIGKILL (default 5000)')
    .option('--stop-signal <signal>', 'signal that asks a worker to stop (default SIGINT)')
    .option('--wait-ready', 'a worker is online only once it calls process.send("ready")')
    .option('--listen-timeout <ms>', 'ms a worker may take to come online (default 10000)')
    .option(
      '--env <KEY=VALUE>',
      'set a variable in the app environment (repeatable); with a config file: the env_<name> block to use',
      collect,
    )
    .option('--only <names>', 'with a config file: start only these apps (comma-separated)')
    .option('--shutdown-with-message', "ask workers to stop with the IPC message 'shutdown' instead of the stop signal")
    .option('--sticky', "route every connection of one client to the same worker (socket.io's polling transport)")
    .option(
      '--primary-group <name>',
      'share one primary process with the other apps of this group (less memory; one crash of it restarts them all)',
    )
    .option(
      '--namespace <name>',
      'the app\'s namespace: restart, reload, stop, delete, start, reset, flush and logs given its name act on every app in it (default "default")',
    )
    .option(
      '--scheduling <policy>',
      'cluster mode: "rr", the primary accepts each connection and hands it to a worker in turn (default), or "none", the workers accept on the shared socket themselves',
    );
}

/** Where the workers' stdout and stderr go, and how those files rotate. */
function addLogOptions(command: Command): Command {
  return command
    .option('--out <file>', 'stdout log file, or /dev/null to discard (default CLUSTERCTL_HOME/logs/<name>-out.log)')
    .option('--err <file>', 'stderr log file, or /dev/null to discard (default CLUSTERCTL_HOME/logs/<name>-err.log)')
    .option(
      '-l, --log <file>',
      'combined log file: every line of stdout and stderr, besides --out and --err (default none)',
    )
    .option('--time', 'prefix every log line with an ISO 8601 timestamp')
    .option(
      '--log-date-format <format>',
      'prefix every text log line with its local time in this format (dayjs tokens, as PM2), e.g. "YYYY-MM-DD HH:mm:ss Z"',
    )
    .option('--log-format <format>', '"text" (<instance>|<message>) or "json" (one object per line) (default text)')
    .option(
      '--log-max-size <size>',
      'rotate a log file before it would exceed this size, e.g. 512K, 10M, 1G (default 10M)',
    )
    .option('--log-retain <n>', 'rotated files kept per log file, 0 to 1000 (default 5)')
    .option('--log-compress', 'gzip rotated log files');
}

/** When a worker that exits is restarted, when it is replaced, and what it is told about its instance. */
function addSupervisionOptions(command: Command): Command {
  return command
    .option(
      '--min-uptime <ms>',
      'a worker that exits sooner than this after starting crashed "unstably" (default 1000; 500ms, 2s accepted)',
    )
    .option('--max-restarts <n>', 'unstable restarts in a row before the instance is errored (default 16)')
    .option(
      '--exp-backoff-restart-delay <ms>',
      'first delay of the exponential restart backoff, x1.5 per restart, capped at 15 s (default 100)',
    )
    .option('--restart-delay <ms>', 'fixed delay before each restart instead of the exponential backoff')
    .option('--no-autorestart', 'never restart a worker that exits on its own')
    .option('--stop-exit-codes <codes>', 'exit codes that mean "done": no restart, e.g. 0,42')
    .option(
      '--max-memory-restart <size>',
      'replace a worker gracefully when its process tree uses more memory than this, e.g. 300M, 1G',
    )
    .option(
      '--instance-var <name>',
      'variable that carries the instance number: any name without "=" (default NODE_APP_INSTANCE)',
    )
    .option(
      '--increment-var <name>',
      'variable increased by the instance number in each worker, e.g. PORT (3000, 3001, ...)',
    );
}

/** Reload on file change, restart on a schedule. */
function addTriggerOptions(command: Command): Command {
  return command
    .option(
      '--watch [paths...]',
      'reload when a file changes under these paths (default: the cwd); node_modules, .git and log files are ignored',
    )
    .option(
      '--ignore-watch <globs...>',
      'with --watch: also ignore these, e.g. "*.tmp" uploads (a glob without / matches any path part)',
    )
    .option('--watch-delay <ms>', 'with --watch: reload once no change came for this long (default 300)')
    .option(
      '--cron-restart <expr>',
      'reload (cluster) or restart (fork) on a schedule: 5 cron fields, or 6 with seconds first, e.g. "0 3 * * *"',
    )
    .option('--cron-tz <zone>', "with --cron-restart: the IANA time zone of the schedule (default: the system's)");
}

export function addStartOptions(command: Command): Command {
  return addTriggerOptions(addSupervisionOptions(addLogOptions(addAppOptions(command))));
}
