/**
 * PM2's deploy verbs: `startOrRestart <file>` and `startOrReload <file>`
 * (`startOrGracefulReload` is the same reload: every reload here waits for
 * the replacement before stopping the old worker). Each starts the apps of
 * the file that are not running and restarts or reloads the others with the
 * file's spec; they are `restart <file>` and `reload <file>` by another name.
 */
import type { Command } from 'commander';
import { usage } from '../output';
import { configFileTarget, fileFlags, forceOnFile } from './file-verbs';

interface StartOrFlags {
  env?: string;
  only?: string;
}

function startOr(program: Command, names: [string, ...string[]], verb: 'restart' | 'reload', what: string): void {
  const [name, ...aliases] = names;
  program
    .command(name)
    .aliases(aliases)
    .description(what)
    .argument('<file>', 'config file: *.config.js|cjs|mjs, .json, .yaml or .yml with an "apps" array')
    .option('--env <name>', "also use each app's env_<name> block (e.g. --env production)")
    .option('--only <names>', 'only these apps of the file (comma-separated)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl ${name} ecosystem.config.js --env production
  $ clusterctl ${name} ecosystem.config.js --only api,worker`,
    )
    .action(async (target: string, flags: StartOrFlags) => {
      const file = configFileTarget(target);
      if (file === null)
        throw usage(
          `${name} takes a config file (*.config.js, .json, .yaml) that exists; for one app, use \`clusterctl ${verb} <name>\``,
        );
      await forceOnFile(verb, file, fileFlags(flags));
    });
}

export function registerStartOr(program: Command): void {
  startOr(
    program,
    ['start-or-restart', 'startOrRestart'],
    'restart',
    'restart every app of a config file with its spec from the file, starting those that are not running',
  );
  startOr(
    program,
    ['start-or-reload', 'startOrReload', 'start-or-graceful-reload', 'startOrGracefulReload'],
    'reload',
    'reload every app of a config file with its spec from the file (no downtime), starting those that are not running',
  );
}
