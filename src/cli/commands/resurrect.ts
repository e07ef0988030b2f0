/** `clusterctl resurrect`: start the apps `save` wrote, skipping those already there. */
import type { Command } from 'commander';
import { ClusterctlError, isErrorCode } from '../../protocol/errors';
import { notice, print } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';

export function registerResurrect(program: Command): void {
  program
    .command('resurrect')
    .description('start the apps saved by `clusterctl save` (those already registered are left alone)')
    .addHelpText(
      'after',
      `
Reads dump.json, or dump.json.bak when dump.json is missing or corrupt (it says
so). With both broken, nothing is started and the command exits 1 saying why.

Examples:
  $ clusterctl resurrect`,
    )
    .action(async () => {
      const r = await withClient((client) => client.resurrect());
      if (r.source === 'backup')
        notice(`using the backup ${r.path}: ${r.fallbackReason ?? 'the dump could not be used'}`);
      for (const s of r.skipped) notice(`${s.name}: ${s.reason}; skipped`);
      if (r.started.length > 0) print(renderAppTable(r.started));
      print(
        `resurrected ${r.started.length} app${r.started.length === 1 ? '' : 's'} saved at ${r.savedAt}${r.skipped.length > 0 ? `, ${r.skipped.length} skipped` : ''}`,
      );
      const first = r.failed.at(0);
      if (first === undefined) return;
      for (const f of r.failed.slice(1)) notice(`${f.name}: ${f.error.message.split('\n')[0]}`);
      throw new ClusterctlError(
        isErrorCode(first.error.code) ? first.error.code : 'E_START_FAILED',
        `${first.name}: ${first.error.message}`,
      );
    });
}
