/**
 * `resurrect`'s source: dump.json, or dump.json.bak when the dump is missing
 * or corrupt, saying which one was used and why. With both broken, E_DUMP
 * says what is wrong with each, and nothing is started.
 */
import { ClusterctlError } from '../../protocol/errors';
import { backupPath, readDumpFile, type DumpFile } from './format';

export interface ReadDumpResult {
  dump: DumpFile;
  /** The file the apps come from. */
  path: string;
  source: 'dump' | 'backup';
  /** Why the backup was used (the dump's problem), or null. */
  fallbackReason: string | null;
}

export function readDump(path: string): ReadDumpResult {
  const main = readDumpFile(path);
  if (main.ok) return { dump: main.dump, path, source: 'dump', fallbackReason: null };
  const bak = backupPath(path);
  const backup = readDumpFile(bak);
  if (backup.ok) return { dump: backup.dump, path: bak, source: 'backup', fallbackReason: `${path} ${main.why}` };
  if (main.reason === 'missing' && backup.reason === 'missing') {
    throw new ClusterctlError('E_DUMP', `nothing to resurrect: ${path} does not exist (run \`clusterctl save\` first)`);
  }
  throw new ClusterctlError(
    'E_DUMP',
    `cannot resurrect: ${path} ${main.why}, and ${bak} ${backup.why}; nothing was started`,
  );
}
