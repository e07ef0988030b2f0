/**
 * `clusterctl daemon run [--resurrect]`: the daemon for this home, owned by
 * a process that stays in the foreground, for an init system (the unit
 * `clusterctl startup` writes) or a terminal. It starts the daemon as every
 * command does, optionally resurrects dump.json, then watches it. SIGTERM or
 * SIGINT stops every app gracefully and the daemon with it (as `clusterctl
 * kill` does) and exits 0, so `systemctl stop` never leaves the workers to
 * systemd's SIGKILL. A daemon that is already running is refused: a unit
 * must fail visibly rather than report a daemon it does not own.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { connect, type Client } from '../../client/client';
import { waitForExit, isProcessAlive } from '../../os/liveness';
import { ClusterctlError } from '../../protocol/errors';
import { homePaths, resolveHome } from '../../protocol/paths';
import { readState } from '../../state/state-file';
import { notice, print } from '../output';
import { connectIfRunning } from '../session';

const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 110000;
/** How long a replacement (`clusterctl update`, `daemon restart`) may take to answer. */
const TAKEOVER_MS = 15000;
const POLL_MS = 250;
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function registeredApps(): number {
  return readState(homePaths(resolveHome()).stateFile).state.apps.length;
}

function alreadyRunning(pid: number): ClusterctlError {
  return new ClusterctlError(
    'E_DAEMON_RUNNING',
    `a daemon already runs for ${resolveHome()} (pid ${pid}); stop it first with \`clusterctl save && clusterctl kill\` (then --resurrect brings its apps back here)`,
  );
}

async function startDaemon(): Promise<Client> {
  const running = await connectIfRunning();
  if (running !== null) {
    running.close();
    throw alreadyRunning(running.daemon.pid);
  }
  const client = await connect({ startTimeoutMs: START_TIMEOUT_MS });
  if (!client.startedDaemon) {
    // Another command started one between the check and the start: that one is not ours to own.
    client.close();
    throw alreadyRunning(client.daemon.pid);
  }
  return client;
}

async function resurrectSaved(client: Client): Promise<void> {
  const dump = client.paths.dumpFile;
  if (!existsSync(dump) && !existsSync(`${dump}.bak`)) {
    print(`no ${dump}: nothing to resurrect (\`clusterctl save\` writes it)`);
    return;
  }
  try {
    const r = await client.resurrect();
    if (r.source === 'backup')
      notice(`using the backup ${r.path}: ${r.fallbackReason ?? 'the dump could not be used'}`);
    const names = r.started.map((a) => a.name);
    print(
      `resurrected ${names.length} app${names.length === 1 ? '' : 's'}${names.length > 0 ? `: ${names.join(', ')}` : ''}`,
    );
    for (const s of r.skipped) print(`${s.name}: ${s.reason}; skipped`);
    for (const f of r.failed) notice(`${f.name}: ${f.error.message.split('\n')[0] ?? f.error.code}`);
  } catch (err) {
    // The daemon serves whatever state.json holds even when the dump is unreadable: report, keep running.
    notice(`cannot resurrect: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Stops every app and the daemon, as `clusterctl kill` does; true once the daemon is gone. */
async function stopAll(pid: number): Promise<boolean> {
  const client = await connectIfRunning().catch(() => null);
  if (client !== null) {
    try {
      const { stopped } = await client.kill();
      print(stopped.length === 0 ? 'no app was running' : `stopped ${stopped.join(', ')}`);
    } catch (err) {
      notice(`kill failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      client.close();
    }
  }
  return waitForExit(pid, STOP_TIMEOUT_MS);
}

/** The daemon is gone without being asked: a replacement's pid, or null when none took over. */
async function replacement(): Promise<number | null> {
  const deadline = Date.now() + TAKEOVER_MS;
  for (;;) {
    const client = await connectIfRunning().catch(() => null);
    if (client !== null) {
      client.close();
      return client.daemon.pid;
    }
    if (registeredApps() === 0 || Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Holds SIGTERM/SIGINT from the first moment, so a stop asked for while the
 * daemon is still starting stops it once it is up instead of killing this
 * process and leaving the daemon behind.
 */
class SignalLatch {
  private signal: NodeJS.Signals | null = null;
  private readonly hold = (s: NodeJS.Signals): void => {
    this.signal ??= s;
  };
  constructor() {
    for (const s of STOP_SIGNALS) process.on(s, this.hold);
  }
  release(): NodeJS.Signals | null {
    for (const s of STOP_SIGNALS) process.removeListener(s, this.hold);
    return this.signal;
  }
}

/** Resolves when the daemon is gone for good (stopped by a signal here, or by `kill`); rejects when it died. */
function watch(firstPid: number, early: SignalLatch): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let pid = firstPid;
    let busy = false;
    const done = (err?: Error): void => {
      clearInterval(timer);
      for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
      if (err) reject(err);
      else resolvePromise();
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (busy) return;
      busy = true;
      print(`${signal}: stopping every app and the daemon (pid ${pid})`);
      void stopAll(pid).then((gone) => {
        if (gone) print('daemon stopped');
        done(gone ? undefined : new ClusterctlError('E_TIMEOUT', `the daemon (pid ${pid}) is still running`));
      });
    };
    const check = async (): Promise<void> => {
      if (busy || isProcessAlive(pid)) return;
      busy = true;
      const next = await replacement();
      if (next === null) {
        const apps = registeredApps();
        if (apps === 0) {
          print(`the daemon (pid ${pid}) stopped and no app is registered`);
          done();
          return;
        }
        done(
          new ClusterctlError(
            'E_DAEMON_UNREACHABLE',
            `the daemon (pid ${pid}) exited and no daemon took over; ${apps} app(s) are registered; see ${resolveHome()}/daemon.log`,
          ),
        );
        return;
      }
      print(`the daemon was replaced (pid ${pid} → ${next}); watching the new one`);
      pid = next;
      busy = false;
    };
    const timer = setInterval(() => void check(), POLL_MS);
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    const pending = early.release();
    if (pending !== null) onSignal(pending);
  });
}

export function registerDaemonRun(daemon: Command): void {
  daemon
    .command('run')
    .description('run the daemon in the foreground: SIGTERM stops every app and the daemon (for systemd units)')
    .option('--resurrect', 'once the daemon is up, start the apps `clusterctl save` wrote (no dump.json: a notice)')
    .addHelpText(
      'after',
      `
Fails (exit 1, E_DAEMON_RUNNING) when a daemon already runs for this CLUSTERCTL_HOME.

Example:
  $ clusterctl daemon run --resurrect`,
    )
    .action(async (opts: { resurrect?: boolean }) => {
      const early = new SignalLatch();
      let client: Client;
      try {
        client = await startDaemon();
      } catch (err) {
        early.release();
        throw err;
      }
      const pid = client.daemon.pid;
      try {
        print(`daemon running (pid ${pid}) for ${client.paths.home}; its log is ${client.paths.daemonLog}`);
        if (opts.resurrect === true) await resurrectSaved(client);
      } finally {
        client.close();
      }
      await watch(pid, early);
    });
}
