/**
 * Fork mode and interpreters, from flags or an ecosystem file: which mode an
 * app runs in, what runs its script, and where the script is. PM2's rules:
 * a script may be a command on the app's PATH (then it runs itself, as PM2's
 * interpreter "none"); with no interpreter the extension chooses one; a
 * non-Node interpreter runs in fork mode, cluster mode needing Node.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import { ClusterctlError } from '../protocol/errors';
import type { AppSpec, ExecMode } from '../protocol/types';

/** PM2's extension defaults, except `.py`: python3, the one every current distribution ships. */
const BY_EXTENSION: Record<string, string> = {
  '.py': 'python3',
  '.sh': 'bash',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
};

const MODES: Partial<Record<string, ExecMode>> = {
  cluster: 'cluster',
  cluster_mode: 'cluster',
  fork: 'fork',
  fork_mode: 'fork',
};

export interface ExecInput {
  /** As written: a path, or a command on the app's PATH. */
  script: string;
  /** What a relative script path resolves against (the caller's cwd for flags, the app's cwd in a file). */
  scriptBase: string;
  execMode?: string;
  interpreter?: string;
  interpreterArgs?: string[];
  /** Where this came from, for messages: '--exec-mode' or 'apps[0].exec_mode'. */
  modeLabel: string;
  interpreterLabel: string;
}

export function parseExecMode(label: string, raw: string): ExecMode {
  const mode = MODES[raw.trim()];
  if (!mode)
    throw new ClusterctlError(
      'E_USAGE',
      `${label} ${JSON.stringify(raw)}: expected one of ${Object.keys(MODES).join(', ')}`,
    );
  return mode;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathDirs(env: Record<string, string | undefined>): string[] {
  return (env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d));
}

/** `name` looked up in the app's PATH, or null. */
export function whichInPath(name: string, env: Record<string, string | undefined>): string | null {
  for (const dir of pathDirs(env)) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The script as a path when it is a file, else a command found on the app's PATH. */
export function locateScript(
  raw: string,
  cwd: string,
  env: Record<string, string | undefined>,
): { path: string; command: boolean } {
  const asPath = resolve(cwd, raw);
  let exists: boolean | 'other' = false;
  try {
    exists = statSync(asPath).isFile() || 'other';
  } catch {
    /* nothing here: maybe a command */
  }
  if (exists === 'other')
    throw new ClusterctlError('E_SCRIPT_MISSING', `script ${raw} is not a file (${asPath} is a directory or a device)`);
  if (exists) {
    try {
      accessSync(asPath, constants.R_OK);
    } catch {
      throw new ClusterctlError('E_SCRIPT_MISSING', `script ${raw} cannot be read (permission denied on ${asPath})`);
    }
    return { path: asPath, command: false };
  }
  if (!raw.includes('/')) {
    const found = whichInPath(raw, env);
    if (found) return { path: found, command: true };
  }
  const searched = raw.includes('/') ? '' : `, and there is no command ${raw} in PATH ${env.PATH ?? '(unset)'}`;
  throw new ClusterctlError('E_SCRIPT_MISSING', `script ${raw} not found: ${asPath} does not exist${searched}`);
}

/** node, nodejs, node20, node-for-app: a Node binary by its name (a symlink or wrapper included). */
function isNodeName(program: string): boolean {
  return basename(program).startsWith('node');
}

function resolveProgram(label: string, raw: string, cwd: string, env: Record<string, string | undefined>): string {
  const found = raw.includes('/')
    ? isExecutableFile(resolve(cwd, raw))
      ? resolve(cwd, raw)
      : null
    : whichInPath(raw, env);
  if (found) return found;
  throw new ClusterctlError(
    'E_USAGE',
    `${label} ${JSON.stringify(raw)}: not installed (no executable ${raw.includes('/') ? resolve(cwd, raw) : `${raw} in PATH ${env.PATH ?? '(unset)'}`})`,
  );
}

/**
 * The spec's script, mode and interpreter fields from `input`; notices
 * (cluster asked for a non-Node program) go to `notices`.
 */
export function applyExec(spec: AppSpec, input: ExecInput, notices: string[]): AppSpec {
  const env = spec.env;
  const located = locateScript(input.script, input.scriptBase, env);
  const next: AppSpec = { ...spec, script: located.path };
  const ext = /\.[A-Za-z0-9]+$/.exec(located.path)?.[0]?.toLowerCase() ?? '';
  const raw = input.interpreter ?? (located.command ? 'none' : (BY_EXTENSION[ext] ?? 'node'));
  if (raw === 'none') next.execInterpreter = 'none';
  else if (raw === 'node' || isNodeName(raw)) {
    next.execInterpreter = 'node';
    if (raw !== 'node') next.interpreter = resolveProgram(input.interpreterLabel, raw, spec.cwd, env);
  } else next.execInterpreter = resolveProgram(input.interpreterLabel, raw, spec.cwd, env);
  if (next.execInterpreter === 'none' && !isExecutableFile(located.path))
    throw new ClusterctlError(
      'E_SCRIPT_MISSING',
      `script ${input.script} is not executable (${located.path}); chmod +x it or name an interpreter`,
    );
  // For Node, PM2's interpreter_args are Node flags.
  if (next.execInterpreter === 'node') {
    if (input.interpreterArgs && next.nodeArgs.length === 0) next.nodeArgs = input.interpreterArgs;
    next.interpreterArgs = [];
  } else next.interpreterArgs = input.interpreterArgs ?? [];
  const asked = input.execMode === undefined ? null : parseExecMode(input.modeLabel, input.execMode);
  const node = next.execInterpreter === 'node';
  if (!node && asked === 'cluster')
    notices.push(`${spec.name}: cluster mode needs Node; ${basename(next.execInterpreter)} runs in fork mode`);
  next.execMode = node ? (asked ?? 'cluster') : 'fork';
  return next;
}
