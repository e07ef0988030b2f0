/**
 * `clusterctl init [file]` (alias `ecosystem`): write a commented starter
 * config file that `clusterctl start <file>` and PM2 both run. It never
 * overwrites a file: an existing one is reported and left as it is.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { isConfigFile } from '../../config/file/detect';
import { ClusterctlError } from '../../protocol/errors';
import { FILE_SAFE_NAME } from '../../protocol/app-name';
import { ecosystemTemplate, type TemplateValues } from '../generate/ecosystem-template';
import { print, usage } from '../output';

const DEFAULT_FILE = 'ecosystem.config.js';
const LIKELY_MAINS = ['app.js', 'server.js', 'index.js', 'main.js'];

interface PackageJson {
  name?: unknown;
  main?: unknown;
  type?: unknown;
}

function readPackageJson(dir: string): PackageJson {
  try {
    return JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return {};
  }
}

/** An app name from package.json or the folder, made a safe file name (any name works; this one reads well in a shell). */
function appName(raw: string): string {
  const name = raw
    .replace(/^@[^/]+\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return FILE_SAFE_NAME.test(name) ? name : 'app';
}

/** The folder's own answers: package.json's name and main, else a main file that exists. */
function templateValues(dir: string): TemplateValues {
  const pkg = readPackageJson(dir);
  const name = appName(typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : basename(dir));
  const main =
    typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : LIKELY_MAINS.find((f) => existsSync(resolve(dir, f)));
  const script = main ?? 'app.js';
  return { name, script: script.startsWith('.') || script.startsWith('/') ? script : `./${script}` };
}

function writeNew(path: string, text: string): void {
  let fd: number;
  try {
    // 'wx' fails when the file exists, even if it appeared since we looked.
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new ClusterctlError('E_FILE_EXISTS', `${path} already exists; left as it is (give another file name)`);
    if (code === 'ENOENT') throw usage(`${dirname(path)}: no such folder`);
    throw new ClusterctlError('E_USAGE', `cannot write ${path}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .alias('ecosystem')
    .description('write a commented starter config file (ecosystem.config.js) that clusterctl and PM2 both run')
    .argument('[file]', `the file to write (default ${DEFAULT_FILE} in the current folder)`)
    .addHelpText(
      'after',
      `
The app name and script come from package.json ("name", "main") or the folder.
An existing file is never overwritten (exit 1, E_FILE_EXISTS).

Examples:
  $ clusterctl init && clusterctl start ecosystem.config.js
  $ clusterctl init deploy/api.config.js`,
    )
    .action((file: string | undefined) => {
      const path = resolve(process.cwd(), file ?? DEFAULT_FILE);
      if (!isConfigFile(path) || !/\.c?js$/.test(path))
        throw usage(`${file ?? ''}: the file name must end in .config.js or .config.cjs, as clusterctl recognises it`);
      const dir = dirname(path);
      // In a "type": "module" package a .js file is an ES module, where module.exports does not exist.
      if (readPackageJson(dir).type === 'module' && path.endsWith('.js'))
        throw usage(
          `${dir}/package.json has "type": "module": name the file *.config.cjs (clusterctl init ecosystem.config.cjs)`,
        );
      const values = templateValues(dir);
      writeNew(path, ecosystemTemplate(values));
      const shown = relative(process.cwd(), path) || path;
      print(`wrote ${shown} (app "${values.name}", script ${values.script})`);
      print(`start it with: clusterctl start ${shown}`);
    });
}
