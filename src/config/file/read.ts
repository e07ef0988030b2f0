/**
 * Reads a config file into a plain value, by its extension: JSON, YAML, or
 * a JavaScript module (CommonJS through require, ESM through import()). Each
 * read is fresh, so `apply` after an edit sees the edit even in a process
 * that loaded the file before (the programmatic API, the tests).
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { parse as parseYaml } from 'yaml';
import { ClusterctlError } from '../../protocol/errors';
import { isConfigFile } from './detect';

function configError(file: string, message: string): ClusterctlError {
  return new ClusterctlError('E_CONFIG', `${file}: ${message}`);
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? text
  );
}

/**
 * TypeScript compiles `import()` to `require()` under CommonJS output; going
 * through Function keeps a real dynamic import, which is the only way to load
 * an ES module from CommonJS on Node 20.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the only way to a real import() under CommonJS output (see above)
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/** "SyntaxError: Unexpected token '}' (line 7)" from what require() or import() threw. */
function describeLoadError(err: unknown, absPath: string): string {
  if (!(err instanceof Error)) return String(err);
  const head = `${err.name}: ${firstLine(err.message)}`;
  // Node puts "<file>:<line>" on the first line of a SyntaxError's stack.
  const loc = new RegExp(`${escapeRegExp(absPath)}:(\\d+)`).exec(err.stack ?? '');
  return loc ? `${head} (line ${loc[1]})` : head;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function loadJsModule(absPath: string): Promise<unknown> {
  const ext = extname(absPath).toLowerCase();
  if (ext !== '.mjs') {
    // createRequire gives Node's own loader and cache even inside a test runner's module system.
    const req = createRequire(absPath);
    try {
      // The cache is keyed by the resolved path (symlinks followed), not necessarily the one given.
      Reflect.deleteProperty(req.cache, req.resolve(absPath));
      const exported: unknown = req(absPath);
      return unwrapDefault(exported);
    } catch (err) {
      // A .js file in a "type": "module" package is an ES module: load it as one.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    }
  }
  // The query string makes each load a new module instance instead of the cached one.
  const ns = await importModule(
    `${pathToFileURL(absPath).href}?load=${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  return unwrapDefault(ns);
}

function unwrapDefault(exported: unknown): unknown {
  if (typeof exported === 'object' && exported !== null && 'default' in exported) {
    const ns = exported as { default: unknown; apps?: unknown };
    if (ns.apps === undefined) return ns.default;
  }
  return exported;
}

/**
 * PM2 reads a .json config as a JavaScript object literal, so the ecosystem
 * .json files in the wild carry comments, trailing commas and unquoted keys.
 * Strict JSON first; if that fails, the same literal evaluation PM2 does (the
 * file is the user's own, trusted as much as a .config.js), round-tripped
 * through JSON so only data comes out. The error shown is the JSON one.
 */
function parseJsonConfig(text: string, absPath: string, display: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (jsonErr) {
    try {
      const value: unknown = runInNewContext(`(${text}\n)`, Object.create(null) as object, {
        filename: absPath,
        timeout: 1000,
      });
      if (typeof value === 'object' && value !== null) return JSON.parse(JSON.stringify(value)) as unknown;
    } catch {
      /* not a literal either: report the JSON error */
    }
    throw configError(
      display,
      `invalid JSON: ${firstLine(jsonErr instanceof Error ? jsonErr.message : String(jsonErr))}`,
    );
  }
}

/** The file's content as a value; every failure is a one-line E_CONFIG naming the file. */
export async function readConfigValue(absPath: string, display: string): Promise<unknown> {
  let isFile: boolean;
  try {
    isFile = statSync(absPath).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw configError(display, code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? String(err)}`);
  }
  if (!isFile) throw configError(display, 'is not a file');
  if (!isConfigFile(absPath)) {
    throw configError(
      display,
      'is not a config file (expected *.config.js, *.config.cjs, *.config.mjs, .json, .yaml or .yml)',
    );
  }

  const ext = extname(absPath).toLowerCase();
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let text: string;
    try {
      text = readFileSync(absPath, 'utf8');
    } catch (err) {
      throw configError(display, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (ext === '.json') return parseJsonConfig(text, absPath, display);
    try {
      return parseYaml(text) as unknown;
    } catch (err) {
      throw configError(display, `invalid YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`);
    }
  }
  try {
    return await loadJsModule(absPath);
  } catch (err) {
    throw configError(display, `cannot load: ${describeLoadError(err, absPath)}`);
  }
}
