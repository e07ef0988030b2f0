/** `clusterctl start <script|name>`: hand a new app to the daemon, or start a stopped one again. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isConfigFile } from '../../config/file/detect';
import { specFromFlags, type StartFlags } from '../../config/flags';
import { SUPERVISION_FLAG_KEYS } from '../../config/supervision-flags';
import { resolveHome } from '../../protocol/paths';
import { APP_NAME_PATTERN } from '../../protocol/types';
import { print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient, withRunningDaemon } from '../session';
import { configStartFlags, startFromConfig } from './start-config';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Flags that describe a new app; meaningless when starting a registered app by name. */
const NEW_APP_FLAGS: Array<keyof StartFlags> = [
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
  'out',
  'err',
  'time',
  'logFormat',
  'logMaxSize',
  'logRetain',
  'logCompress',
  ...SUPERVISION_FLAG_KEYS,
];

function pathExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a script as a new app (one worker per instance), or start a stopped app again by name')
    .argument(
      '<script|name>',
      'the script to run (resolved against the current directory), or the name of a stopped app',
    )
    .argument('[args...]', 'arguments for the script (put them after --)')
    .option(
      '-i, --instances <n>',
      'workers: a number, "max" or 0 (every usable CPU), or -N (every CPU but N)',
      undefined,
    )
    .option('--name <name>', 'app name (default: the script file name without its extension)')
    .option('--cwd <dir>', 'working directory of the workers (default: the current directory)')
    .option('--node-args <args>', 'Node.js flags for the workers, e.g. "--max-old-space-size=512"')
    .option('--interpreter <node>', 'the node binary that runs the app (default: the one running clusterctl)')
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
    .option('--out <file>', 'stdout log file, or /dev/null to discard (default CLUSTERCTL_HOME/logs/<name>-out.log)')
    .option('--err <file>', 'stderr log file, or /dev/null to discard (default CLUSTERCTL_HOME/logs/<name>-err.log)')
    .option('--time', 'prefix every log line with an ISO 8601 timestamp')
    .option('--log-format <format>', '"text" (<instance>|<message>) or "json" (one object per line) (default text)')
    .option(
      '--log-max-size <size>',
      'rotate a log file before it would exceed this size, e.g. 512K, 10M, 1G (default 10M)',
    )
    .option('--log-retain <n>', 'rotated files kept per log file, 0 to 1000 (default 5)')
    .option('--log-compress', 'gzip rotated log files')
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
    .option('--instance-var <name>', 'variable that carries the instance number (default NODE_APP_INSTANCE)')
    .option(
      '--increment-var <name>',
      'variable increased by the instance number in each worker, e.g. PORT (3000, 3001, ...)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl start app.js -i max              one worker per usable CPU
  $ clusterctl start server.mjs -i -1 --name api -- --port 8080
  $ clusterctl start app.js --env PORT=3000 --env NODE_ENV=production
  $ clusterctl start api                        start the stopped app "api" again
  $ clusterctl start ecosystem.config.js --env production --only api,web`,
    )
    .action(async (target: string, args: string[], flags: StartFlags & { only?: string }) => {
      if (isConfigFile(target)) {
        const others: string[] = NEW_APP_FLAGS.filter((f) => f !== 'env' && flags[f] !== undefined);
        if (flags.autorestart === false) others.push('noAutorestart');
        await startFromConfig(target, configStartFlags(args, flags.env, flags.only, others));
        return;
      }
      if (flags.only !== undefined) throw usage('--only selects apps of a config file (*.config.js, .json, .yaml)');
      const callerCwd = process.cwd();
      const isFile = pathExists(resolve(callerCwd, target));
      if (!isFile && APP_NAME_PATTERN.test(target)) {
        // With no daemon running there is no registered app: do not start one just to find out.
        const resumed = await withRunningDaemon(async (client) => {
          const known = (await client.list()).some((a) => a.name === target) || target === 'all';
          if (!known) return null;
          const given = NEW_APP_FLAGS.filter((f) => flags[f] !== undefined);
          if (given.length > 0 || args.length > 0) {
            throw usage(
              `${target} is a registered app, and options or arguments only apply to a new script; use \`clusterctl restart ${target}\` or \`clusterctl scale ${target} N\``,
            );
          }
          return client.resume({ target });
        });
        if (resumed) {
          print(renderAppTable(resumed));
          return;
        }
      }
      // Everything is checked here, before the daemon is asked for anything.
      const spec = specFromFlags(target, args, flags, { home: resolveHome(), cwd: callerCwd, env: process.env });
      const info = await withClient((client) => client.start({ spec }));
      print(renderAppTable([info]));
    });
}
