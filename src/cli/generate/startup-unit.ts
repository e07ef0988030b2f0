/**
 * `clusterctl startup`: the systemd unit that runs the daemon for one
 * CLUSTERCTL_HOME at boot. It runs `clusterctl daemon run --resurrect` in the
 * foreground (Type=simple, not forking: systemd then knows the main process
 * and a failure to start is visible in `systemctl status`), and KillMode=mixed
 * sends SIGTERM to that process only, which stops every app gracefully
 * before it exits; the default (control-group) would SIGTERM every worker at
 * once, past the drain.
 */
import { dirname } from 'node:path';
import { packageVersion } from '../../protocol/version';
import { environmentAssignment, execLine, unitValue } from './systemd-quote';

/** The first line of every unit startup writes: unstartup removes only files that carry it. */
export const STARTUP_MARKER = '# Written by `clusterctl startup`';

/** Seconds `systemctl stop` waits for every app to stop gracefully before SIGKILL. */
export const STARTUP_STOP_TIMEOUT_S = 120;

export interface StartupUnitOptions {
  user: boolean;
  /** The account a system unit runs as. */
  runAs: string;
  home: string;
  node: string;
  clusterctl: string;
}

export function startupUnit(opts: StartupUnitOptions): string {
  // The apps' workers are found by absolute path; PATH matters for `interpreter: "node"` and what the apps spawn.
  const system = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const path = [...new Set([dirname(opts.node), ...system])].join(':');
  return [
    `${STARTUP_MARKER} (clusterctl ${packageVersion()}); \`clusterctl unstartup\` removes it.`,
    '[Unit]',
    `Description=clusterctl daemon (CLUSTERCTL_HOME=${unitValue(opts.home)})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(opts.user ? [] : [`User=${opts.runAs}`]),
    `Environment=${environmentAssignment('CLUSTERCTL_HOME', opts.home)}`,
    `Environment=${environmentAssignment('PATH', path)}`,
    `ExecStart=${execLine([opts.node, opts.clusterctl, 'daemon', 'run', '--resurrect'])}`,
    'KillMode=mixed',
    `TimeoutStopSec=${STARTUP_STOP_TIMEOUT_S}`,
    'Restart=on-failure',
    'RestartSec=2',
    '',
    '[Install]',
    `WantedBy=${opts.user ? 'default.target' : 'multi-user.target'}`,
    '',
  ].join('\n');
}
