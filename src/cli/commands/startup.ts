/**
 * `clusterctl startup [systemd]` and `clusterctl unstartup [systemd]`: write
 * (or print) the systemd unit that starts the daemon at boot and brings back
 * what `clusterctl save` wrote, and remove it again. systemctl is never run
 * from here: the commands to run are printed, so nothing changes on the
 * machine beyond the one file the person asked for.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ClusterctlError } from '../../protocol/errors';
import { resolveHome } from '../../protocol/paths';
import { clusterctlBin, nodeBin } from '../generate/host';
import { execLine } from '../generate/systemd-quote';
import { checkPlatform, startupTarget, type StartupFlags, type StartupTarget } from '../generate/startup-target';
import { STARTUP_MARKER, startupUnit } from '../generate/startup-unit';
import { notice, print } from '../output';
import { connectIfRunning } from '../session';

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** What a non-root user runs instead: the same command as root, for the same account and home. */
function sudoCommand(target: StartupTarget): string {
  const argv = [nodeBin(), clusterctlBin(), 'startup', 'systemd', '--run-as', target.runAs];
  return `sudo env CLUSTERCTL_HOME=${execLine([target.home])} ${argv.map((a) => execLine([a])).join(' ')}`;
}

async function warnIfDaemonRuns(target: StartupTarget): Promise<void> {
  // Only the caller's own home can be asked; another account's daemon is that account's business.
  if (target.home !== resolveHome()) return;
  const client = await connectIfRunning().catch(() => null);
  if (client === null) return;
  const pid = client.daemon.pid;
  client.close();
  notice(
    `a daemon already runs for ${target.home} (pid ${pid}) outside systemd, so the unit would fail to start: first run \`clusterctl save && clusterctl kill\` (the unit resurrects what was saved)`,
  );
}

async function installUnit(flags: StartupFlags & { print?: boolean }): Promise<void> {
  const target = startupTarget(flags);
  const unit = startupUnit({ ...target, node: nodeBin(), clusterctl: clusterctlBin() });
  if (flags.print === true) {
    process.stdout.write(unit);
    return;
  }
  if (!target.user && !isRoot())
    throw new ClusterctlError(
      'E_PERMISSION',
      `writing ${target.unitPath} needs root: run \`${sudoCommand(target)}\`, or \`clusterctl startup --user\` for a user unit`,
    );
  const existing = readIfExists(target.unitPath);
  if (existing !== null && !existing.startsWith(STARTUP_MARKER))
    throw new ClusterctlError(
      'E_FILE_EXISTS',
      `${target.unitPath} exists and was not written by clusterctl; left alone (remove it first)`,
    );
  mkdirSync(dirname(target.unitPath), { recursive: true, mode: 0o755 });
  writeFileSync(target.unitPath, unit, { mode: 0o644 });
  print(`${existing === null ? 'wrote' : 'updated'} ${target.unitPath} (CLUSTERCTL_HOME=${target.home})`);
  await warnIfDaemonRuns(target);
  print('enable and start it with:');
  print(`  ${target.systemctl} daemon-reload && ${target.systemctl} enable --now ${target.unitName}`);
  if (target.user)
    print(
      `so that it starts at boot rather than at your first login, once run: loginctl enable-linger ${target.runAs}`,
    );
  print(`it resurrects what \`clusterctl save\` wrote to ${target.home}/dump.json each time it starts`);
}

function removeUnit(flags: StartupFlags): void {
  const target = startupTarget(flags);
  const existing = readIfExists(target.unitPath);
  if (existing === null) {
    print(`no unit at ${target.unitPath}; nothing to remove`);
    return;
  }
  if (!existing.startsWith(STARTUP_MARKER))
    throw new ClusterctlError(
      'E_FILE_EXISTS',
      `${target.unitPath} was not written by \`clusterctl startup\`; left alone`,
    );
  if (!target.user && !isRoot())
    throw new ClusterctlError('E_PERMISSION', `removing ${target.unitPath} needs root: run this command with sudo`);
  // What `systemctl disable` would remove, so the unit does not come back at boot as a dangling link.
  try {
    if (lstatSync(target.wantsLink).isSymbolicLink() && readlinkSync(target.wantsLink) === target.unitPath)
      rmSync(target.wantsLink);
  } catch {
    /* not enabled */
  }
  rmSync(target.unitPath);
  print(`removed ${target.unitPath}`);
  print(`if it is running, stop it (this stops its apps) and reload systemd:`);
  print(`  ${target.systemctl} stop ${target.unitName} && ${target.systemctl} daemon-reload`);
}

export function registerStartup(program: Command): void {
  program
    .command('startup')
    .description('write a systemd unit that starts the daemon at boot and resurrects the saved apps')
    .argument('[platform]', 'the init system: systemd (the only one supported)')
    .option('--print', 'print the unit on stdout instead of writing it')
    .option('--user', 'a user unit in ~/.config/systemd/user (no root needed; see loginctl enable-linger)')
    .option('--run-as <user>', 'as root: the account the daemon runs as (default: the caller)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl save && clusterctl startup     as root: /etc/systemd/system/clusterctl-<user>.service
  $ clusterctl startup --user                 ~/.config/systemd/user/clusterctl.service
  $ clusterctl startup --print                show the unit, write nothing`,
    )
    .action((platform: string | undefined, flags: StartupFlags & { print?: boolean }) => {
      checkPlatform(platform);
      return installUnit(flags);
    });

  program
    .command('unstartup')
    .description('remove the unit `clusterctl startup` wrote (and its enable link)')
    .argument('[platform]', 'the init system: systemd')
    .option('--user', 'the user unit (~/.config/systemd/user/clusterctl.service)')
    .option('--run-as <user>', 'as root: the account whose system unit to remove (default: the caller)')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl unstartup
  $ clusterctl unstartup --user`,
    )
    .action((platform: string | undefined, flags: StartupFlags) => {
      checkPlatform(platform);
      removeUnit(flags);
    });
}
