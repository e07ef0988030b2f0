/**
 * Why a process could not even be started, in words that say what to do.
 * Node reports a missing working directory as the spawn of the executable
 * failing with ENOENT (`spawn /usr/bin/node ENOENT`), which reads as if node
 * were missing: the directory is checked first.
 */
import { statSync } from 'node:fs';

/** Exit codes a shell gives an exec that failed, so the restart policy treats them as crashes. */
const EXEC_FAILED_CODE: Record<string, number> = { ENOENT: 127, EACCES: 126 };

export interface SpawnFailure {
  code: number;
  failure: string;
}

function cwdProblem(cwd: string): string | null {
  try {
    return statSync(cwd).isDirectory() ? null : 'is not a directory';
  } catch {
    return 'no longer exists';
  }
}

/** The exit a failed spawn counts as, and its reason. `app` names the app in the advice. */
export function spawnFailure(err: NodeJS.ErrnoException, file: string, cwd: string, app: string): SpawnFailure {
  const code = EXEC_FAILED_CODE[err.code ?? ''] ?? 1;
  const problem = cwdProblem(cwd);
  if (problem !== null) {
    return {
      code,
      failure: `could not start in ${cwd}: the working directory ${problem}; recreate it, or run \`clusterctl delete ${app}\` and start the app again from a directory that exists`,
    };
  }
  const what = err.code === 'ENOENT' ? 'not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
  return { code, failure: `could not run ${file}: ${what} (${err.code ?? 'error'})` };
}
