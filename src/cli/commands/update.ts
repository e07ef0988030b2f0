/**
 * `clusterctl update` and `clusterctl daemon restart`: replace the running
 * daemon by one from this installation without stopping any app. The old
 * daemon gets SIGTERM, which every daemon version answers by detaching from
 * the app primaries and exiting (only `kill` stops apps); then this CLI
 * starts the new daemon, which adopts every primary through its control
 * socket before it answers. A signal rather than an RPC, because the daemon
 * being replaced may be older than any method this CLI knows.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connect } from '../../client/client';
import { ClusterctlError } from '../../protocol/errors';
import { waitForExit } from '../../os/liveness';
import { homePaths, resolveHome } from '../../protocol/paths';
import type { AppInfo } from '../../protocol/types';
import { packageVersion } from '../../protocol/version';
import { servingWorkers } from '../../protocol/workers';
import { notice, print } from '../output';
import { renderAppTable } from '../render/table';
import { connectIfRunning } from '../session';
import { registerDaemonRun } from './daemon-run';

const GRACEFUL_EXIT_MS = 10000;
const FORCED_EXIT_MS = 5000;

function workerPids(apps: AppInfo[]): Map<string, string> {
  // Serving rows only: a replacement under way (memory limit) is not a restart by the update.
  return new Map(
    apps.map((a) => [
      a.name,
      servingWorkers(a.workers)
        .map((w) => w.pid ?? '-')
        .join(','),
    ]),
  );
}

interface OldDaemon {
  pid: number;
  version: string;
  before: AppInfo[];
}

/**
 * The running daemon and its apps, or null when none runs. A daemon of
 * another protocol refuses this CLI, so it is not asked anything: its pid
 * comes from daemon.pid, which it wrote when it started.
 */
async function runningDaemon(): Promise<OldDaemon | null> {
  let old;
  try {
    old = await connectIfRunning();
  } catch (err) {
    if (!(err instanceof ClusterctlError) || err.code !== 'E_PROTOCOL_MISMATCH') throw err;
    const pid = pidFromFile(homePaths(resolveHome()).pidFile);
    if (pid === null) throw err;
    return { pid, version: 'unknown', before: [] };
  }
  if (!old) return null;
  try {
    return { pid: old.daemon.pid, version: old.daemon.version, before: await old.list() };
  } finally {
    old.close();
  }
}

function pidFromFile(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function replaceDaemon(what: 'updated' | 'restarted'): Promise<void> {
  const old = await runningDaemon();
  if (!old) {
    const fresh = await connect();
    fresh.close();
    print(
      `no daemon was running for ${resolveHome()}; started daemon ${fresh.daemon.version} (pid ${fresh.daemon.pid})`,
    );
    return;
  }
  const { pid, version, before } = old;

  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH')
      throw new ClusterctlError(
        'E_DAEMON_UNREACHABLE',
        `cannot signal the daemon (pid ${pid}): ${(err as Error).message}`,
      );
  }
  if (!(await waitForExit(pid, GRACEFUL_EXIT_MS))) {
    // Safe for the apps: they are supervised by their own primaries, which outlive the daemon.
    notice(`the daemon (pid ${pid}) did not exit within ${GRACEFUL_EXIT_MS / 1000} s of SIGTERM; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* it exited in between */
    }
    if (!(await waitForExit(pid, FORCED_EXIT_MS)))
      throw new ClusterctlError('E_TIMEOUT', `the daemon (pid ${pid}) is still running after SIGKILL`);
  }

  const next = await connect();
  let after: AppInfo[];
  try {
    after = await next.list();
  } finally {
    next.close();
  }
  const beforePids = workerPids(before);
  const afterPids = workerPids(after);
  const missing = before.filter((a) => !afterPids.has(a.name)).map((a) => a.name);
  const moved = after
    .filter((a) => beforePids.has(a.name) && beforePids.get(a.name) !== afterPids.get(a.name))
    .map((a) => a.name);
  for (const name of missing) notice(`${name} was registered before and is not now; see ${next.paths.daemonLog}`);
  for (const name of moved) notice(`${name}: worker pids changed during the switch (it was restarting or reloading)`);
  const cli = packageVersion();
  const versions =
    version === next.daemon.version ? `version ${version}` : `version ${version} → ${next.daemon.version}`;
  print(
    `daemon ${what}: ${versions}, pid ${pid} → ${next.daemon.pid}; ${after.length} app${after.length === 1 ? '' : 's'} adopted without a restart`,
  );
  if (next.daemon.version !== cli) notice(`the new daemon reports version ${next.daemon.version}, this CLI is ${cli}`);
  if (after.length > 0) print(renderAppTable(after));
}

export function registerUpdate(program: Command): void {
  program
    .command('update')
    .description(
      'replace the running daemon with this version of clusterctl; apps keep running (same workers, same pids)',
    )
    .addHelpText(
      'after',
      `
Run it after upgrading clusterctl, when commands say the daemon is older than the CLI.

Example:
  $ npm install -g clusterctl@latest && clusterctl update`,
    )
    .action(() => replaceDaemon('updated'));

  const daemon = program
    .command('daemon')
    .description('manage the daemon itself')
    .addHelpText(
      'after',
      `
Example:
  $ clusterctl daemon restart    restart the daemon; the apps keep running`,
    );
  daemon
    .command('restart')
    .description('restart the daemon; apps keep running and are adopted by the new one')
    .addHelpText(
      'after',
      `
Example:
  $ clusterctl daemon restart`,
    )
    .action(() => replaceDaemon('restarted'));
  registerDaemonRun(daemon);
}
