/**
 * Runs the CLI bundle through a V8 code cache: Node 20 has no
 * `module.enableCompileCache()` (it came in Node 22.1), and compiling the
 * bundle's functions again on every run cost `ls` ~6 ms of CPU (bench/PROFILE.md §2).
 * The cache lives in CLUSTERCTL_HOME/cache, one file per bundle and Node: its
 * name carries the Node version, the architecture and the bundle file's inode,
 * size and mtime, because V8 itself only checks the source's length, so an
 * upgraded bundle never meets an old cache. V8 refuses a cache of another V8
 * version or other flags; the file is written whole (temporary file, then
 * rename) by this user in a 0700 folder. Any failure only costs the speed-up.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const PREFIX = 'cli-bundle-';
// The wrapper Node puts around a CommonJS module (Module.wrap).
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

type ModuleFunction = (
  exports: unknown,
  req: NodeJS.Require,
  mod: { exports: unknown },
  file: string,
  dir: string,
) => void;

/** The cache file for `file` under `cacheDir`: another bundle or another Node gives another name. */
export function cacheFileFor(cacheDir: string, file: string): string {
  const st = statSync(file, { bigint: true });
  return join(cacheDir, `${PREFIX}${process.version}-${process.arch}-${st.ino}-${st.size}-${st.mtimeNs}.v8`);
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** Writes the cache whole, then removes the caches of other bundles or Nodes. Never creates CLUSTERCTL_HOME. */
function writeCache(script: Script, cacheDir: string, cacheFile: string): void {
  try {
    if (!existsSync(dirname(cacheDir))) return;
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, cacheFile);
    for (const f of readdirSync(cacheDir))
      if (f.startsWith(PREFIX) && join(cacheDir, f) !== cacheFile) unlinkSync(join(cacheDir, f));
  } catch {
    // Only the speed-up is lost; the next run tries again.
  }
}

/**
 * Runs the CommonJS file `file` as `require` would, compiled from the code
 * cache when V8 accepts it; when there was none or V8 refused it, writes one
 * at exit, once the run has compiled the functions it needed.
 */
export function requireWithCodeCache(file: string, cacheDir: string): void {
  const cacheFile = cacheFileFor(cacheDir, file);
  const cachedData = readCache(cacheFile);
  const source = readFileSync(file, 'utf8');
  const script = new Script(WRAP_HEAD + source + WRAP_TAIL, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true)
    process.once('exit', () => writeCache(script, cacheDir, cacheFile));
  const run = script.runInThisContext() as ModuleFunction;
  const mod = { exports: {} };
  run.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
}
