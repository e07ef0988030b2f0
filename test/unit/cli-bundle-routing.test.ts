/**
 * The CLI bundle serves exactly the runs whose commands it carries (the
 * bundle-routing names agree with program.ts), and is used only while no
 * file it was made from is newer than it.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BUNDLED_COMMANDS, bundleCanRun, bundleIsFresh, inputsFileOf } from '../../src/cli/bundle-routing';
import { buildProgram, commandFilesFor } from '../../src/cli/program';
import { useTempDir } from '../helpers/tmp';

const argvOf = (...args: string[]): string[] => ['node', 'clusterctl', ...args];
const carried = (argv: string[]): boolean => commandFilesFor(argv).every((f) => Object.hasOwn(BUNDLED_COMMANDS, f));

describe('which runs the bundle serves', () => {
  it('every name and alias of every command: the bundle runs it exactly when it carries its module', () => {
    const names = (buildProgram().commands as Command[]).flatMap((c) => [c.name(), ...c.aliases()]);
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      for (const argv of [argvOf(name), argvOf(name, '--help'), argvOf('-h', name), argvOf(name, '--json', 'x')])
        expect({ argv, bundle: bundleCanRun(argv) }).toEqual({ argv, bundle: carried(argv) });
    }
  });

  it('the bundled names are the ones program.ts gives those modules', () => {
    for (const [file, names] of Object.entries(BUNDLED_COMMANDS))
      for (const name of names) expect(commandFilesFor(argvOf(name))).toEqual([file]);
  });

  it('a bare --version runs from the bundle; help, no command and an unknown one do not', () => {
    expect(bundleCanRun(argvOf('--version'))).toBe(true);
    expect(bundleCanRun(argvOf('-v'))).toBe(true);
    for (const args of [[], ['--help'], ['-h'], ['lss'], ['--version', '--help']]) {
      expect(bundleCanRun(argvOf(...args))).toBe(false);
      expect(carried(argvOf(...args))).toBe(false);
    }
  });
});

describe('bundleIsFresh', () => {
  const dir = useTempDir('bundle-');
  const bundle = (): string => join(dir(), 'cli', 'bundle.js');
  const setTime = (file: string, seconds: number): void => utimesSync(file, seconds, seconds);

  beforeEach(() => {
    mkdirSync(join(dir(), 'cli'));
    mkdirSync(join(dir(), 'protocol'));
    writeFileSync(join(dir(), 'cli', 'main.js'), '');
    writeFileSync(join(dir(), 'protocol', 'errors.js'), '');
    writeFileSync(bundle(), '');
    writeFileSync(inputsFileOf(bundle()), JSON.stringify(['main.js', '../protocol/errors.js']));
    setTime(join(dir(), 'cli', 'main.js'), 1000);
    setTime(join(dir(), 'protocol', 'errors.js'), 1000);
    setTime(bundle(), 2000);
  });

  it('is fresh when every input is older than the bundle', () => {
    expect(bundleIsFresh(bundle())).toBe(true);
  });

  it('is stale once any input is newer (a tsc run without the bundle step)', () => {
    setTime(join(dir(), 'protocol', 'errors.js'), 3000);
    expect(bundleIsFresh(bundle())).toBe(false);
  });

  it('is not trusted when an input is gone, or the list is missing, empty or not JSON', () => {
    writeFileSync(inputsFileOf(bundle()), JSON.stringify(['main.js', 'gone.js']));
    expect(bundleIsFresh(bundle())).toBe(false);
    for (const text of ['', '[]', '{"a":1}', '[1]', 'not json']) {
      writeFileSync(inputsFileOf(bundle()), text);
      expect(bundleIsFresh(bundle())).toBe(false);
    }
    expect(bundleIsFresh(join(dir(), 'cli', 'none.js'))).toBe(false);
  });
});
