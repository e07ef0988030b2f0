/**
 * `save`: write dump.json so that it is never torn and never emptied by
 * accident. The new dump goes to a temp file in the same folder (fsync,
 * rename, fsync the folder); the dump it replaces, if it reads back valid,
 * becomes dump.json.bak first (hard link + rename, so dump.json exists at
 * every instant). A corrupt old dump never overwrites a good backup.
 */
import { copyFileSync, linkSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { syncDirectory, writeTempFile } from '../../os/atomic-file';
import { ClusterctlError } from '../../protocol/errors';
import type { AppSpec } from '../../protocol/types';
import { backupPath, DUMP_VERSION, readDumpFile, type DumpFile } from './format';

export interface WriteDumpOptions {
  /** Write an empty list even over a dump that lists apps. */
  force?: boolean;
  /** For tests: the clock. */
  now?: () => Date;
}

export interface WriteDumpResult {
  path: string;
  /** Where the previous dump was kept, or null when there was none worth keeping. */
  backup: string | null;
  apps: string[];
}

function dumpError(path: string, why: string): ClusterctlError {
  return new ClusterctlError('E_DUMP', `cannot save to ${path}: ${why}`);
}

export function writeDump(path: string, specs: readonly AppSpec[], opts: WriteDumpOptions = {}): WriteDumpResult {
  const previous = readDumpFile(path);
  if (specs.length === 0 && !opts.force) {
    if (previous.ok && previous.dump.apps.length > 0) {
      throw new ClusterctlError(
        'E_DUMP',
        `refusing to replace the saved list of ${previous.dump.apps.length} app(s) in ${path} with an empty one (no app is running); use \`clusterctl save --force\` to do it anyway`,
      );
    }
    if (!previous.ok && previous.reason !== 'missing') {
      throw new ClusterctlError(
        'E_DUMP',
        `refusing to replace ${path}, which ${previous.why}, with an empty list; use \`clusterctl save --force\` to do it anyway`,
      );
    }
  }

  const dump: DumpFile = {
    version: DUMP_VERSION,
    savedAt: (opts.now ?? (() => new Date()))().toISOString(),
    apps: [...specs],
  };
  const dir = dirname(path);
  let tmp: string;
  try {
    tmp = writeTempFile(path, JSON.stringify(dump, null, 2) + '\n');
  } catch (err) {
    throw dumpError(path, (err as NodeJS.ErrnoException).code ?? String(err));
  }

  let backup: string | null = null;
  try {
    if (previous.ok) {
      const bak = backupPath(path);
      const bakTmp = `${bak}.tmp-${process.pid}-${Date.now()}`;
      try {
        linkSync(path, bakTmp);
      } catch {
        // A filesystem without hard links: a copy is as good, dump.json is untouched until the rename below.
        copyFileSync(path, bakTmp);
      }
      renameSync(bakTmp, bak);
      backup = bak;
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw dumpError(path, (err as NodeJS.ErrnoException).code ?? String(err));
  }
  syncDirectory(dir);
  return { path, backup, apps: specs.map((s) => s.name) };
}
