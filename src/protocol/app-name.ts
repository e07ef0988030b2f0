/**
 * An app has two names. Its *display name* is what the user wrote (any name
 * PM2 takes, spaces included: `"NearBy Server"`), and it is what every
 * command, table and log record shows. Its *file form* is what goes on disk:
 * the control socket `run/<form>.sock`, the logs `logs/<form>-out.log`, the
 * primary's lock, generated unit file names. A name that was already a safe
 * file name is its own file form, so homes written before display names
 * existed keep every path. Two apps whose names share a file form would share
 * those files, so the daemon and the config loader refuse the second one.
 * (No imports: the app primary loads this file.)
 */

/** The longest display name, in UTF-8 bytes (its file form is never longer). */
export const MAX_APP_NAME_BYTES = 128;

/** A name that is already a file name as it is: it is its own file form. */
export const FILE_SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Control characters (newline, tab, ESC, C1) and the Unicode line and paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/** Why `name` cannot be an app name, or null when it can. */
export function appNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.includes('/')) return 'it contains "/" (a name is not a path)';
  if (UNPRINTABLE.test(name)) return 'it contains a control character (a newline, a tab, an escape)';
  if (name.trim() === '') return 'it is only spaces';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_APP_NAME_BYTES) return `it is ${bytes} bytes long (at most ${MAX_APP_NAME_BYTES})`;
  return null;
}

export function isAppName(name: string): boolean {
  return appNameProblem(name) === null;
}

/**
 * The name as it appears in file names: a safe name is kept as it is;
 * otherwise each run of characters other than ASCII letters, digits, ".",
 * "_" and "-" becomes one "-", and ".", "_" and "-" at either end are dropped
 * (`"NearBy Server"` → `NearBy-Server`, `" café ☕ "` → `caf`). A name with no
 * ASCII letter or digit at all becomes `app-` and a hash of it.
 */
export function appFileName(name: string): string {
  if (FILE_SAFE_NAME.test(name)) return name;
  const form = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[._-]+|[._-]+$/g, '');
  return form === '' ? `app-${fnv1a(name)}` : form;
}

/** 32-bit FNV-1a of the UTF-8 bytes, as 8 hex digits: stable across runs and machines. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The name as one shell word, for the commands an error message suggests (`clusterctl restart 'NearBy Server'`). */
export function shellName(name: string): string {
  return FILE_SAFE_NAME.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** PM2's namespace of an app that names none. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Why `ns` cannot be a namespace, or null when it can: the app-name rules
 * (it is typed where a name is, `clusterctl restart api`), and not `all`,
 * which every verb reads as every app, so such a namespace could never be named.
 */
export function namespaceProblem(ns: string): string | null {
  if (ns === 'all') return '"all" is reserved (it means every app)';
  return appNameProblem(ns);
}
