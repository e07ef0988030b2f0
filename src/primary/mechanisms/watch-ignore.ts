/**
 * Which changed paths a watched app ignores. chokidar 4 dropped glob support
 * (paulmillr/chokidar#1195), so `--ignore-watch` globs are matched here: `*`
 * and `?` stay within one path part, `**` crosses parts; a pattern without
 * "/" matches any single part (as `*.log` or `tmp` mean to people), one with
 * "/" matches the path relative to the app's cwd, an absolute one the path.
 */
import { isAbsolute, relative, sep } from 'node:path';

/** Folders no app wants a reload for. */
export const ALWAYS_IGNORED_PARTS = ['node_modules', '.git'] as const;

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*') {
      if (glob.charAt(i + 1) === '*') {
        i++;
        if (glob.charAt(i + 1) === '/') i++;
        re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface IgnoreRules {
  cwd: string;
  /** Folders ignored with everything under them: clusterctl's home. */
  dirs: string[];
  /** Files ignored with their rotations (`out.log.1`, `out.log.2.gz`): the app's own logs. */
  files: string[];
  globs: string[];
}

/** A predicate for chokidar's `ignored`. */
export function ignorePredicate(rules: IgnoreRules): (path: string) => boolean {
  const parts = rules.globs.filter((g) => !g.includes('/')).map(globToRegExp);
  const relatives = rules.globs.filter((g) => g.includes('/') && !isAbsolute(g)).map(globToRegExp);
  const absolutes = rules.globs.filter((g) => isAbsolute(g)).map(globToRegExp);
  return (path) => {
    if (rules.dirs.some((d) => path === d || path.startsWith(d + sep))) return true;
    if (rules.files.some((f) => path === f || path.startsWith(f + '.'))) return true;
    const segments = path.split(sep);
    if (segments.some((s) => (ALWAYS_IGNORED_PARTS as readonly string[]).includes(s))) return true;
    if (segments.some((s) => parts.some((re) => re.test(s)))) return true;
    const rel = relative(rules.cwd, path);
    if (relatives.some((re) => re.test(rel))) return true;
    return absolutes.some((re) => re.test(path));
  };
}
