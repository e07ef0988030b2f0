/**
 * Where `clusterctl startup` puts its unit and for whom: a system unit
 * (/etc/systemd/system/clusterctl-<user>.service, written by root, running as
 * <user>) or a user unit (~/.config/systemd/user/clusterctl.service). Kept
 * apart from the command so startup and unstartup agree on every path.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveHome } from '../../protocol/paths';
import { usage } from '../output';
import { currentUser, lookupUser } from './host';

export interface StartupFlags {
  user?: boolean;
  runAs?: string;
}

export interface StartupTarget {
  user: boolean;
  /** The account the daemon runs as. */
  runAs: string;
  /** CLUSTERCTL_HOME of that daemon. */
  home: string;
  unitName: string;
  unitPath: string;
  /** The `<target>.wants` symlink `systemctl enable` makes. */
  wantsLink: string;
  /** `systemctl` or `systemctl --user`. */
  systemctl: string;
}

export function checkPlatform(platform: string | undefined): void {
  if (platform !== undefined && platform !== 'systemd')
    throw usage(`${JSON.stringify(platform)}: only systemd is supported (clusterctl startup systemd)`);
}

export function startupTarget(flags: StartupFlags, env: NodeJS.ProcessEnv = process.env): StartupTarget {
  if (flags.user === true && flags.runAs !== undefined)
    throw usage('--run-as is for a system unit; a user unit (--user) runs as you');
  const account = flags.runAs === undefined ? currentUser() : lookupUser(flags.runAs);
  const explicitHome = env.CLUSTERCTL_HOME !== undefined && env.CLUSTERCTL_HOME !== '';
  // Another account's daemon lives in that account's home, not in the caller's.
  const home = explicitHome || flags.runAs === undefined ? resolveHome(env) : join(account.home, '.clusterctl');
  if (flags.user === true) {
    const dir = join(homedir(), '.config', 'systemd', 'user');
    return {
      user: true,
      runAs: account.name,
      home,
      unitName: 'clusterctl.service',
      unitPath: join(dir, 'clusterctl.service'),
      wantsLink: join(dir, 'default.target.wants', 'clusterctl.service'),
      systemctl: 'systemctl --user',
    };
  }
  // A unit name allows [A-Za-z0-9:_.-] only, and "@" would make it a template instance.
  const unitName = `clusterctl-${account.name.replace(/[^A-Za-z0-9:_.-]/g, '_')}.service`;
  return {
    user: false,
    runAs: account.name,
    home,
    unitName,
    unitPath: join('/etc/systemd/system', unitName),
    wantsLink: join('/etc/systemd/system', 'multi-user.target.wants', unitName),
    systemctl: 'systemctl',
  };
}
