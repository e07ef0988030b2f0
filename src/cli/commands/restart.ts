/** `clusterctl restart <name|all>`: stop every worker, then start them from the saved spec. */
import type { Command } from 'commander';
import { addLifecycleOptions } from './lifecycle-options';
import { appEnvironment, lifecycleOverrides, validateGroupName } from '../../config/flags';
import type { RestartOptions } from '../../protocol/api';
import { parseScheduling, schedulingNotUsed } from '../../config/scheduling';
import { notice, print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';
import { configFileTarget, fileFlags, forceOnFile, refuseFileFlags } from './file-verbs';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface RestartFlags {
  updateEnv?: boolean;
  env?: string[];
  waitReady?: boolean;
  listenTimeout?: string;
  killTimeout?: string;
  stopSignal?: string;
  /** A name, or false for --no-primary-group. */
  primaryGroup?: string | false;
  only?: string;
  scheduling?: string;
}

export function registerRestart(program: Command): void {
  addLifecycleOptions(
    program
      .command('restart')
      .description(
        'stop all workers of an app, then start them again from its saved spec (brief downtime; use reload to avoid it)',
      )
      .argument('<name|all|file>', 'app name, "all", or a config file (its apps)')
      .option('--update-env', "replace the app's environment with this shell's (plus --env)")
      .option(
        '--env <KEY=VALUE>',
        'with --update-env: set a variable (repeatable); with a config file: use env_<NAME> blocks',
        collect,
      )
      .option('--only <names>', 'with a config file: only these of its apps (comma-separated)')
      .option('--primary-group <name>', "move the app into this primary group's shared primary process")
      .option('--no-primary-group', 'move the app out of its primary group, to a primary of its own')
      .option(
        '--scheduling <policy>',
        'cluster mode: "rr" (the primary accepts) or "none" (the workers accept); another value than now starts a new primary',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl restart web
  $ NODE_ENV=staging clusterctl restart web --update-env
  $ clusterctl restart all --kill-timeout 10000
  $ clusterctl restart api --primary-group shared   stop it, start it again in group "shared"
  $ clusterctl restart api --scheduling none        stop it, start it again in a new primary; the workers accept
  $ clusterctl restart ecosystem.config.js --env production

With a config file, every app of the file is restarted with the file's spec
(this shell's environment plus the file's env blocks); an app of the file
that is not running is started.`,
    )
    .action(async (target: string, flags: RestartFlags) => {
      const file = configFileTarget(target);
      if (file !== null) return forceOnFile('restart', file, fileFlags(flags, ['updateEnv']));
      refuseFileFlags(flags);
      if (flags.env !== undefined && flags.updateEnv !== true) {
        throw usage('--env on restart needs --update-env (the saved environment is kept otherwise)');
      }
      const options: RestartOptions = lifecycleOverrides(flags);
      if (flags.updateEnv === true) options.env = appEnvironment(process.env, flags.env ?? []);
      if (flags.primaryGroup === false) options.primaryGroup = null;
      else if (flags.primaryGroup !== undefined)
        options.primaryGroup = validateGroupName('--primary-group', flags.primaryGroup);
      if (flags.scheduling !== undefined) options.scheduling = parseScheduling('--scheduling', flags.scheduling);
      const apps = await withClient((client) => client.restart({ target, options }));
      // The daemon leaves a fork-mode app's scheduling as it is; say so as `start` does.
      if (options.scheduling !== undefined)
        for (const a of apps) if (a.spec.execMode === 'fork') notice(schedulingNotUsed(a.name, '--scheduling'));
      print(renderAppTable(apps));
    });
}
