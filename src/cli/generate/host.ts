/**
 * Facts about this machine that generated units need: the absolute paths of
 * the Node binary and of clusterctl's launcher (a unit has no PATH lookup
 * worth trusting, and nvm-style installs are not on the system PATH), and
 * the accounts a system unit may run as.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ClusterctlError } from '../../protocol/errors';

/** The bin/clusterctl of this installation (dist/cli/generate → the package root). */
export function clusterctlBin(): string {
  const bin = join(__dirname, '..', '..', '..', 'bin', 'clusterctl');
  return existsSync(bin) ? realpathSync(bin) : bin;
}

/** The Node binary running this CLI, as it was started (a symlink kept: upgrading through it keeps the unit right). */
export function nodeBin(): string {
  return process.execPath;
}

export function currentUser(): { name: string; uid: number; home: string } {
  const u = userInfo();
  return { name: u.username, uid: u.uid, home: u.homedir };
}

/** An account of /etc/passwd by name, with its home; unknown is a usage error. */
export function lookupUser(name: string): { name: string; uid: number; home: string } {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    /* no passwd file: nobody can be found */
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 7) return { name, uid: Number(fields[2]), home: fields[5] ?? '/' };
  }
  throw new ClusterctlError('E_USAGE', `--run-as ${JSON.stringify(name)}: no such user in /etc/passwd`);
}
