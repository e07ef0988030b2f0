/** `clusterctl apply <file>`: make the running apps match a config file, step by step, printing each step. */
import type { Command } from 'commander';
import type { Client } from '../../client/client';
import type { Plan, PlanAction } from '../../config/apply';
import { ClusterctlError } from '../../protocol/errors';
import type { AppInfo } from '../../protocol/types';
import { notice, print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient, withRunningDaemon } from '../session';
import { loadSpecs, parseOnly, type ConfigFlags } from './start-config';

interface ApplyFlags extends ConfigFlags {
  prune?: boolean;
  dryRun?: boolean;
}

async function execute(client: Client, action: PlanAction): Promise<void> {
  switch (action.kind) {
    case 'start':
      // A registered app that is stopped starts again with the file's spec (a reload of a stopped app is a start).
      if (action.wasStopped) await client.reload({ target: action.name, options: { spec: action.spec } });
      else await client.start({ spec: action.spec });
      return;
    case 'scale':
      await client.scale({ name: action.name, target: { mode: 'absolute', value: action.to } });
      return;
    case 'reload':
      await client.reload({ target: action.name, options: { spec: action.spec } });
      return;
    case 'restart':
      // The primary itself runs on the old interpreter: stop it, then start a new one with the spec.
      await client.stop({ target: action.name });
      await client.reload({ target: action.name, options: { spec: action.spec } });
      return;
    case 'delete':
      await client.delete({ target: action.name });
      return;
    case 'unchanged':
      return;
  }
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
      const { planApply, formatPlan, formatAction, summarize } = await import('../../config/apply');
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
        const width = Math.max(0, ...plan.actions.map((a) => a.name.length));
        let done = 0;
        for (const action of plan.actions) {
          try {
            await execute(client, action);
          } catch (err) {
            const left = plan.actions.slice(done + 1).filter((a) => a.kind !== 'unchanged').length;
            notice(
              `apply stopped at "${formatAction(action, width)}": ${done} step(s) done, ${left} more not attempted`,
            );
            throw err instanceof ClusterctlError ? err : new ClusterctlError('E_INTERNAL', String(err));
          }
          print(formatAction(action, width));
          done++;
        }
        print(`Applied: ${summarize(plan)}.`);
        const names = new Set(specs.map((s) => s.name));
        const apps = (await client.list()).filter((a) => names.has(a.name));
        if (apps.length > 0) print(renderAppTable(apps));
      });
    });
}
