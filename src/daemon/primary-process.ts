/**
 * Starting an app primary process, or a primary group's host (the same
 * program with `--group`): detached in its own session, with a minimal
 * environment (the app's own comes with its spec) and its output appended to
 * its log file.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnDetached, type DetachedProcess } from '../os/spawn-detached';

/** The compiled app primary, next to the daemon in dist/. */
export const PRIMARY_ENTRY = join(__dirname, '..', 'primary', 'main.js');

let inheritOutput = false;
/**
 * `clusterctl run`: primaries from now on write to this process's stdout and
 * stderr (their workers' lines, their own crash) instead of their log file.
 */
export function inheritPrimaryOutput(): void {
  inheritOutput = true;
}

/** `node <primary> --home H <role...>` (`--name APP` or `--group G`), its output into `logPath`. */
export function spawnPrimaryProcess(
  interpreter: string,
  home: string,
  role: string[],
  logPath: string,
): DetachedProcess {
  // logs/groups/ is created by the first host; its log is opened before it runs.
  mkdirSync(dirname(logPath), { recursive: true, mode: 0o700 });
  return spawnDetached(interpreter, [PRIMARY_ENTRY, '--home', home, ...role], {
    logPath,
    env: primaryEnvironment(home),
    cwd: home,
    inheritOutput,
  });
}

/** The primary's environment: minimal, the app's own comes with the spec. */
function primaryEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CLUSTERCTL_HOME: home };
  if (process.env.PATH !== undefined) env.PATH = process.env.PATH;
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  // A daemon started by a test passes the marker on, so an illegal worker
  // transition inside a real primary fails that test instead of being only
  // logged (slot-table.ts strictTransitions; the primary reads it before it
  // empties its environment, so workers never see it).
  if (process.env.JEST_WORKER_ID !== undefined) env.JEST_WORKER_ID = process.env.JEST_WORKER_ID;
  return env;
}
