/**
 * Which variables of an app's environment a generated unit or manifest
 * carries, and which of them are secrets. An app started from a shell holds
 * that shell's whole environment (PATH, HOME, SSH_AUTH_SOCK, ...): those
 * describe the session it was started from, and systemd and the container
 * runtime set their own, so they are left out.
 */

const SESSION_VARS = new Set([
  '_',
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'OLDPWD',
  'SHLVL',
  'TERM',
  'COLORTERM',
  'HOSTNAME',
  'MAIL',
  'LS_COLORS',
  'DISPLAY',
  'NO_COLOR',
  'FORCE_COLOR',
]);
const SESSION_PREFIXES = ['SSH_', 'XDG_', 'npm_', 'CLUSTERCTL_', 'TMUX', 'JEST_'];

/** The app's own variables: its environment less the session it was started from. */
export function portableEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (SESSION_VARS.has(name) || SESSION_PREFIXES.some((p) => name.startsWith(p))) continue;
    out[name] = value;
  }
  return out;
}

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL|PRIVATE|AUTH)/i;
/** scheme://user:password@host: a connection string with its password in it. */
const CREDENTIAL_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/;

/** Whether a variable must never be written out in clear (its name or its value says it is a secret). */
export function isSecretVar(name: string, value: string): boolean {
  if (SECRET_NAME.test(name)) return true;
  return /_(URI|URL)$/i.test(name) && CREDENTIAL_URL.test(value);
}

export interface SplitEnv {
  plain: Record<string, string>;
  /** Names only: the values stay out of whatever is generated. */
  secretNames: string[];
}

export function splitSecrets(env: Readonly<Record<string, string>>): SplitEnv {
  const plain: Record<string, string> = {};
  const secretNames: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (isSecretVar(name, value)) secretNames.push(name);
    else plain[name] = value;
  }
  return { plain, secretNames: secretNames.sort() };
}

/**
 * For a manifest that runs elsewhere: the variables of a daemon app that
 * this shell has too, with the same value, came from the shell `start` ran
 * in (CA bundle paths, locale, tool settings), not from the app's `--env`.
 */
export function withoutInherited(
  env: Readonly<Record<string, string>>,
  shell: NodeJS.ProcessEnv,
): { own: Record<string, string>; inherited: string[] } {
  const own: Record<string, string> = {};
  const inherited: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (shell[name] === value) inherited.push(name);
    else own[name] = value;
  }
  return { own, inherited: inherited.sort() };
}
