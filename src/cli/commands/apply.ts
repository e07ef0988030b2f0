/** `clusterctl apply <file>`: make the running apps match a config file, step by step, printing each step. */
import type { Command } from 'commander';
import type { Plan } from '../../config/apply';
import type { AppInfo } from '../../protocol/types';
import { print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient, withRunningDaemon } from '../session';
import { runPlan } from './plan-steps';
import { loadSpecs, parseOnly, type ConfigFlags } from './start-config';

interface ApplyFlags extends ConfigFlags {
  prune?: boolean;
  dryRun?: boolean;
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description(
      'make the running apps match a config file: start the missing, scale, reload what changed (and delete the rest with --prune)',
    )
    .argument('<file>', 'config file: *.config.js|cjs|mjs, .json, .yaml or .yml with an "apps" array')
    .option('--env <name>', "also use each app's env_<name> block (e.g. --env production)")
    .option('--only <names>', 'apply only these apps (comma-separated)')
    .option('--prune', 'delete the apps that are not in the file')
    .option('--dry-run', 'print the plan (+ start, ~ reload, ± scale, − delete) and change nothing')
    .addHelpText(
      'after',
      `
The app's environment becomes this shell's plus the file's env blocks: a
variable removed from the file is gone after the reload. Apps whose spec did
not change keep their workers (same pids).

Examples:
  $ clusterctl apply ecosystem.config.js --dry-run
  $ clusterctl apply ecosystem.config.js --env production
  $ clusterctl apply apps.yaml --prune`,
    )
    .action(async (file: string, flags: ApplyFlags) => {
      const only = parseOnly(flags.only);
      if (only !== undefined && flags.prune === true) {
        throw usage('--prune cannot be combined with --only: it would delete every app left out of --only');
      }
      const specs = await loadSpecs(file, flags);
      const { planApply, formatPlan, summarize } = await import('../../config/apply');
      const selected = (apps: AppInfo[]): AppInfo[] => apps.filter((a) => only === undefined || only.includes(a.name));
      if (flags.dryRun === true) {
        // A dry run does not start a daemon: with none running, nothing runs, and everything is to start.
        const current = (await withRunningDaemon((client) => client.list())) ?? [];
        print(formatPlan(planApply(selected(current), specs, { prune: flags.prune === true })));
        print('Dry run: nothing was changed.');
        return;
      }
      await withClient(async (client) => {
        const plan: Plan = planApply(selected(await client.list()), specs, { prune: flags.prune === true });
        await runPlan(client, plan, 'apply');
        print(`Applied: ${summarize(plan)}.`);
        const names = new Set(specs.map((s) => s.name));
        const apps = (await client.list()).filter((a) => names.has(a.name));
        if (apps.length > 0) print(renderAppTable(apps));
      });
    });
}
