/** `clusterctl reload <name|all>`: replace every worker, one instance at a time, without dropping a request. */
import type { Command } from 'commander';
import { addLifecycleOptions } from './lifecycle-options';
import { lifecycleOverrides, parsePositiveInt } from '../../config/flags';
import type { ProgressEvent, ReloadOptions } from '../../protocol/api';
import { MAX_INSTANCES } from '../../protocol/limits';
import { isTerminal, notice, print } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';
import { configFileTarget, fileFlags, forceOnFile, refuseFileFlags } from './file-verbs';

interface ReloadFlags {
  parallel?: string;
  waitReady?: boolean;
  listenTimeout?: string;
  killTimeout?: string;
  stopSignal?: string;
  env?: string;
  only?: string;
}

export function registerReload(program: Command): void {
  addLifecycleOptions(
    program
      .command('reload')
      .description(
        'rolling reload: start a replacement, wait until it is online, then stop the old worker (no downtime); fork mode: a rolling restart, one instance at a time',
      )
      .argument('<name|all|file>', 'app name, "all", or a config file (its apps)')
      .option('--parallel <n>', 'instances replaced at a time (default 1)')
      .option('--env <name>', "with a config file: also use each app's env_<name> block")
      .option('--only <names>', 'with a config file: only these of its apps (comma-separated)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl reload web
  $ clusterctl reload web --parallel 2
  $ clusterctl reload all --wait-ready --listen-timeout 20000
  $ clusterctl reload ecosystem.config.js --env production

With a config file, every app of the file is reloaded with the file's spec
(this shell's environment plus the file's env blocks); an app of the file
that is not running is started.`,
    )
    .action(async (target: string, flags: ReloadFlags) => {
      const file = configFileTarget(target);
      if (file !== null) return forceOnFile('reload', file, fileFlags(flags));
      refuseFileFlags(flags, true);
      const options: ReloadOptions = lifecycleOverrides(flags);
      if (flags.parallel !== undefined)
        options.parallel = parsePositiveInt('--parallel', flags.parallel, MAX_INSTANCES);
      const progress = isTerminal(process.stderr);
      const onProgress = (event: ProgressEvent): void => {
        // While an instance is being replaced it is the one in progress: "2/4" means the second of four.
        const current = event.step === 'replacing' ? event.done + 1 : event.done;
        if (progress)
          process.stderr.write(
            `\rreloading ${event.app}: ${current}/${event.total} (instance ${event.instance} ${event.step})\x1b[K`,
          );
      };
      try {
        const apps = await withClient((client) => client.reload({ target, options }, { onProgress }));
        if (progress) process.stderr.write('\r\x1b[K');
        print(renderAppTable(apps));
        for (const app of apps)
          if (app.spec.execMode === 'fork')
            notice(
              `${app.name} runs in fork mode: reloaded as a rolling restart, each instance stopped before its successor started (no shared port without cluster mode)`,
            );
      } catch (err) {
        if (progress) process.stderr.write('\n');
        throw err;
      }
    });
}
