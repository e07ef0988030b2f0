/**
 * `loadConfigFile`: a PM2-style config file → validated AppSpecs, or one
 * E_CONFIG line naming the file, the app and the field. Nothing is started
 * from a file that has any error in it: the caller gets specs only when the
 * whole file is good.
 */
import { dirname, resolve } from 'node:path';
import { appFileName, appNameProblem } from '../../protocol/app-name';
import { ClusterctlError } from '../../protocol/errors';
import { parseAppSpec } from '../../protocol/schemas';
import type { AppSpec } from '../../protocol/types';
import { usableCpus } from '../instances';
import { readConfigValue } from './read';
import { appEntrySchema, envBlockSchema, ENV_BLOCK_KEY, KNOWN_APP_KEYS, type AppEntry } from './schema';
import { nameFromScript } from '../flags';
import { entryToSpec, FieldError } from './to-spec';
import { isRecord } from '../../protocol/messages';

export interface LoadOptions {
  /** `--env <name>`: also apply each app's `env_<name>` block. */
  env?: string;
  /** `--only a,b`: keep these apps (every app of the file is still validated). */
  only?: string[];
  /** Folder a relative config path is resolved against. */
  cwd: string;
  /** CLUSTERCTL_HOME, for the default log paths. */
  home: string;
  /** The caller's environment: the base every app's env starts from. */
  baseEnv: Record<string, string>;
  /** CPUs that `instances: "max"` means; measured when omitted. */
  cpus?: number;
}

export interface LoadedConfig {
  specs: AppSpec[];
  /** Things the user should know that do not stop the load (ignored sections, unknown keys). */
  notices: string[];
}

type ZodIssueLike = { path: ReadonlyArray<PropertyKey>; message: string };

function describeIssue(issue: ZodIssueLike | undefined, prefix: string[] = []): { field: string; message: string } {
  const path = [...prefix, ...(issue?.path ?? []).map(String)];
  return { field: path.length > 0 ? path.join('.') : '(entry)', message: issue?.message ?? 'is invalid' };
}

/** The file being loaded: its name for messages, the notices so far, and the one way to fail. */
interface FileContext {
  file: string;
  notices: string[];
  fail: (message: string) => never;
}

interface Validated {
  index: number;
  label: string;
  entry: AppEntry;
  envBlocks: Map<string, Record<string, string>>;
  name: string;
}

export async function loadConfigFile(path: string, opts: LoadOptions): Promise<LoadedConfig> {
  const absPath = resolve(opts.cwd, path);
  const ctx: FileContext = {
    file: path,
    notices: [],
    fail: (message: string): never => {
      throw new ClusterctlError('E_CONFIG', `${path}: ${message}`);
    },
  };
  const entries = appsOf(await readConfigValue(absPath, path), ctx);
  const validated = entries.map((raw, index) => validateEntry(raw, index, ctx));
  const selected = selectApps(validated, opts, ctx);

  // Apps without the block are normal (nothing differs there); no app with it is most likely a typo in --env.
  if (opts.env !== undefined && !selected.some((v) => v.envBlocks.has(opts.env as string))) {
    ctx.notices.push(`${ctx.file}: no app has an env_${opts.env} block; --env ${opts.env} changes nothing`);
  }

  const cpus = opts.cpus ?? usableCpus();
  const configDir = dirname(absPath);
  const specs = selected.map((v) => {
    const envBlock = opts.env === undefined ? null : (v.envBlocks.get(opts.env) ?? null);
    let spec: AppSpec;
    try {
      spec = entryToSpec(v.entry, {
        configDir,
        home: opts.home,
        baseEnv: opts.baseEnv,
        envBlock,
        cpus,
        notices: ctx.notices,
      });
    } catch (err) {
      if (err instanceof FieldError) return ctx.fail(`app ${v.label}: ${err.field}: ${err.message}`);
      throw err;
    }
    try {
      return parseAppSpec(spec);
    } catch (err) {
      // The entry schema should have caught it; say where, in the spec's own words.
      return ctx.fail(`app ${v.label}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { specs, notices: ctx.notices };
}

/** The file's "apps" array; every other top-level section is ignored with a notice. */
function appsOf(value: unknown, ctx: FileContext): unknown[] {
  const { fail } = ctx;
  // PM2 also takes a bare array of apps, and a single app object.
  if (Array.isArray(value)) return appsOf({ apps: value }, ctx);
  if (isRecord(value) && value.apps === undefined && typeof value.script === 'string') return [value];
  if (!isRecord(value)) fail('must export an object with an "apps" array, such as { apps: [{ name, script }] }');
  const root = value as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (key !== 'apps') ctx.notices.push(`${ctx.file}: section "${key}" ignored (clusterctl reads only "apps")`);
  }
  const apps = root.apps;
  if (apps === undefined) fail('has no "apps" array: there is nothing to start');
  if (!Array.isArray(apps)) fail('"apps" must be an array of apps');
  const entries = apps as unknown[];
  if (entries.length === 0) fail('"apps" is empty: there is nothing to start');
  return entries;
}

function validateEntry(raw: unknown, index: number, ctx: FileContext): Validated {
  const { file, fail, notices } = ctx;
  const where = (label: string) => `app ${label}`;
  if (!isRecord(raw)) fail(`${where(`apps[${index}]`)}: must be an object with at least a "script"`);
  const obj = raw as Record<string, unknown>;
  const label =
    typeof obj.name === 'string' && obj.name !== '' ? `${JSON.stringify(obj.name)} (apps[${index}])` : `apps[${index}]`;
  const lineFor = (field: string, message: string) => `${where(label)}: ${field}: ${message}`;

  const parsed = appEntrySchema.safeParse(obj);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error.issues[0]);
    fail(lineFor(field, message));
  }
  const entry = (parsed as { data: AppEntry }).data;
  const envBlocks = new Map<string, Record<string, string>>();
  for (const [key, blockValue] of Object.entries(obj)) {
    const m = ENV_BLOCK_KEY.exec(key);
    if (m) {
      const block = envBlockSchema.safeParse(blockValue);
      if (!block.success) {
        const { field, message } = describeIssue(block.error.issues[0], [key]);
        fail(lineFor(field, message));
      }
      envBlocks.set(m[1], (block as { data: Record<string, string> }).data);
    } else if (!KNOWN_APP_KEYS.has(key)) {
      notices.push(`${file}: ${where(label)}: "${key}" is not a clusterctl option; ignored`);
    }
  }
  for (const [key, block] of Object.entries(obj)) {
    if ((key !== 'env' && !ENV_BLOCK_KEY.test(key)) || !isRecord(block)) continue;
    for (const [k, v] of Object.entries(block))
      if (v === undefined) notices.push(`${file}: ${where(label)}: ${key}.${k} is undefined; ${k} is left unset`);
  }
  const name = entry.name ?? nameFromScript(entry.script);
  // A name the file gives was checked by the schema; one taken from the script's file name is checked here.
  const why = appNameProblem(name);
  if (why !== null)
    ctx.fail(`app ${label}: the name taken from script, ${JSON.stringify(name)}, is not allowed: ${why}; give a name`);
  return { index, label, entry, envBlocks, name };
}

/** Two apps whose names share a file form would share their log files and socket: refused, naming both. */
function refuseFileFormClashes(validated: Validated[], ctx: FileContext): void {
  const byForm = new Map<string, Validated>();
  for (const v of validated) {
    const form = appFileName(v.name);
    const earlier = byForm.get(form);
    if (earlier !== undefined && earlier.name !== v.name) {
      throw new ClusterctlError(
        'E_NAME_CLASH',
        `${ctx.file}: app ${v.label}: name ${JSON.stringify(v.name)} has the file form ${form} of apps[${earlier.index}] ${JSON.stringify(earlier.name)} (logs/${form}-out.log); rename one of them`,
      );
    }
    byForm.set(form, v);
  }
}

/** Refuses duplicate names, then keeps the apps of `--only` (all of them are validated first). */
function selectApps(validated: Validated[], opts: LoadOptions, ctx: FileContext): Validated[] {
  const firstIndexOf = new Map<string, number>();
  for (const v of validated) {
    const earlier = firstIndexOf.get(v.name);
    if (earlier !== undefined)
      ctx.fail(`app ${v.label}: name: "${v.name}" is already used by apps[${earlier}]; app names must be unique`);
    firstIndexOf.set(v.name, v.index);
  }
  refuseFileFormClashes(validated, ctx);
  if (opts.only === undefined) return validated;
  const wanted = new Set(opts.only);
  const missing = [...wanted].filter((n) => !firstIndexOf.has(n));
  if (missing.length > 0) {
    ctx.fail(
      `--only: no app named ${missing.map((n) => `"${n}"`).join(', ')} (the file has: ${validated.map((v) => v.name).join(', ')})`,
    );
  }
  return validated.filter((v) => wanted.has(v.name));
}
