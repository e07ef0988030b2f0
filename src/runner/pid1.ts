/**
 * `clusterctl run` as PID 1 of a container. A PID 1 must reap orphans (a
 * worker's child whose parent died is re-parented to it) and Node cannot:
 * libuv waits only for the children it spawned (no waitpid(-1)), so each
 * orphan would stay a zombie for the container's life. When `tini` is on
 * PATH, run starts itself again under `tini -s -g --`: tini is a child
 * subreaper (-s), so every orphan below it is re-parented to it and reaped,
 * and it forwards signals to run's process group (-g). This first process
 * stays PID 1 only to pass signals on to tini and to exit with its code.
 * Without tini, one line on stderr says how to get a reaper.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';

/** Set on the run started under tini, so it does not start tini again. */
export const UNDER_TINI = 'CLUSTERCTL_UNDER_TINI';

export const NO_REAPER_WARNING =
  'clusterctl run: running as PID 1 without tini: orphaned processes will stay zombies; use `docker run --init` (or `init: true` in compose, `shareProcessNamespace` on Kubernetes) or install tini (apt-get install tini, apk add tini)\n';

export function findOnPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * Runs `argv` (node, script, args) under tini and mirrors it: signals go
 * to tini, and the exit code is tini's (which is run's).
 */
export function execUnderTini(tini: string, argv: readonly string[]): void {
  const child = spawn(tini, ['-s', '-g', '--', process.execPath, ...argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [UNDER_TINI]: '1' },
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
    process.on(sig, () => {
      child.kill(sig);
    });
  }
  child.on('error', (err) => {
    process.stderr.write(`clusterctl run: cannot start ${tini}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    const n = signal === null ? undefined : (constants.signals as Record<string, number | undefined>)[signal];
    process.exit(code ?? (n === undefined ? 1 : 128 + n));
  });
}

/** true when this process handed itself over to tini (and must do nothing else). */
export function handOverToReaper(argv: readonly string[]): boolean {
  if (process.pid !== 1 || process.env[UNDER_TINI] === '1') return false;
  const tini = findOnPath('tini');
  if (tini === null) {
    process.stderr.write(NO_REAPER_WARNING);
    return false;
  }
  execUnderTini(tini, argv);
  return true;
}
