/**
 * Which runs the CLI bundle may serve. dist/cli/bundle.js (scripts/bundle-cli.js
 * makes it with esbuild after tsc) holds the hot commands, commander and the
 * client in one file: resolving, reading and compiling ~30 modules one by one
 * cost `ls` ~20 ms of CPU, as much as the rest of the command above `node -e 0`
 * (bench/PROFILE.md §2). Every other command runs from dist/ as compiled, and
 * so does a bundle older than any file it was made from (a `tsc` run without
 * the bundle step): it would run stale code.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commandName, isVersionOnly } from './argv';

/**
 * The command modules the bundle carries, each with the names it answers to
 * (as listed in program.ts; test/unit/cli-bundle-routing.test.ts compares them).
 */
export const BUNDLED_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  ls: ['ls', 'list', 'l', 'ps', 'status'],
  ping: ['ping'],
  jlist: ['jlist', 'prettylist'],
};

/** Whether the bundle can run argv (process.argv): a bundled command, or a bare --version. */
export function bundleCanRun(argv: readonly string[]): boolean {
  if (isVersionOnly(argv)) return true;
  const name = commandName(argv);
  return name !== undefined && Object.values(BUNDLED_COMMANDS).some((names) => names.includes(name));
}

/** The file beside the bundle that lists what it was made from (paths relative to the bundle's folder). */
export function inputsFileOf(bundleFile: string): string {
  return `${bundleFile}.inputs.json`;
}

/** Whether no file the bundle was made from changed after it was written (false when in doubt). */
export function bundleIsFresh(bundleFile: string): boolean {
  try {
    const built = statSync(bundleFile).mtimeMs;
    const inputs: unknown = JSON.parse(readFileSync(inputsFileOf(bundleFile), 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
    const dir = dirname(bundleFile);
    // Not newer, rather than older: npm unpacks a package with one fixed mtime on every file.
    return inputs.every((f) => typeof f === 'string' && statSync(join(dir, f)).mtimeMs <= built);
  } catch {
    return false;
  }
}
