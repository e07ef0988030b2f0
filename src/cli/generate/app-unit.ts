/**
 * `clusterctl export systemd`: one service unit per app, running it with
 * `clusterctl run` in the foreground, and the app's environment in an
 * environment file beside it (never inline: a unit file is world-readable
 * and `systemctl show` prints inline Environment= to anyone).
 */
import { appFileName } from '../../protocol/app-name';
import { packageVersion } from '../../protocol/version';
import type { SourcedApp } from './app-source';
import { runArgs, stopBudgetSeconds } from './run-command';
import { envFileLine, execLine, unitValue } from './systemd-quote';

export interface AppUnitOptions {
  /** A user unit (`systemctl --user`): no User=, wanted by default.target. */
  user: boolean;
  /** The account a system unit runs as. */
  runAs: string;
  /** Absolute path of the environment file the unit reads. */
  envFile: string;
  /** Absolute paths of the Node binary and of clusterctl's launcher. */
  node: string;
  clusterctl: string;
}

export function appUnit(app: SourcedApp, opts: AppUnitOptions): string {
  const { spec } = app;
  const source = app.origin.kind === 'config' ? app.origin.file : 'the running daemon';
  const run = runArgs(app, { mode: 'absolute', base: spec.cwd });
  const lines = [
    `# Written by \`clusterctl export systemd\` (clusterctl ${packageVersion()}) from ${source}.`,
    `# The environment is in ${opts.envFile} (mode 0600), never in this file.`,
    '[Unit]',
    `Description=${unitValue(spec.name)} (${spec.instances} instance${spec.instances === 1 ? '' : 's'}, clusterctl run)`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    // exec: the unit fails at once when the binary cannot be run, not later.
    'Type=exec',
    ...(opts.user ? [] : [`User=${opts.runAs}`]),
    `WorkingDirectory=${unitValue(spec.cwd)}`,
    `EnvironmentFile=${unitValue(opts.envFile)}`,
    `ExecStart=${execLine([opts.node, opts.clusterctl, ...run])}`,
    'ExecReload=/bin/kill -HUP $MAINPID',
    // SIGTERM to `run` only, which stops its workers gracefully; SIGKILL for whatever is left after the timeout.
    'KillMode=mixed',
    `TimeoutStopSec=${stopBudgetSeconds(spec)}`,
    'Restart=on-failure',
    'RestartSec=1',
    '',
    '[Install]',
    `WantedBy=${opts.user ? 'default.target' : 'multi-user.target'}`,
    '',
  ];
  return lines.join('\n');
}

/** The environment file: one quoted NAME=value per line, sorted so a diff reads well. */
export function envFileText(app: SourcedApp): string {
  const names = Object.keys(app.env).sort();
  const lines = [
    `# Environment of ${app.spec.name}, read by ${appFileName(app.spec.name)}.service (clusterctl export systemd).`,
  ];
  for (const name of names) lines.push(envFileLine(name, app.env[name] ?? ''));
  return `${lines.join('\n')}\n`;
}
