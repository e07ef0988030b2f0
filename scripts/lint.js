'use strict';
/**
 * `npm run lint`: prettier's check, then eslint (strict, type-aware, zero
 * warnings), over the whole tree. Type-aware lint takes ~40 s on a two-core
 * machine, so a run that passes records the tree's fingerprint
 * (./lint-fingerprint.js) and the next run on the same fingerprint says so and
 * stops; `--fresh` checks anyway. Prettier keeps its own per-file cache, which
 * is safe (formatting a file reads only that file), so a changed tree
 * re-checks only the files that changed. A clean clone (CI) has neither and
 * checks everything.
 */
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { fingerprint } = require('./lint-fingerprint');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'node_modules', '.cache', 'clusterctl-lint', 'passed');
// Prettier first: with its cache it answers in a second or two, eslint takes the rest.
const STEPS = [
  ['prettier', '--check', '.', '--cache', '--cache-strategy', 'content', '--log-level', 'warn'],
  ['eslint', '.', '--max-warnings', '0'],
];

function main(args) {
  const unknown = args.filter((a) => a !== '--fresh');
  if (unknown.length > 0) {
    process.stderr.write(
      `lint: unknown argument ${unknown[0]} (the one option is --fresh: check even an unchanged tree)\n`,
    );
    return 2;
  }
  const before = fingerprint(ROOT);
  if (before !== null && !args.includes('--fresh') && readStamp() === before) {
    process.stdout.write(`lint: passed before on this exact tree (${before.slice(0, 12)}); --fresh to check again\n`);
    return 0;
  }
  for (const [bin, ...rest] of STEPS) {
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', bin), rest, { cwd: ROOT, stdio: 'inherit' });
    if (run.error) {
      process.stderr.write(`lint: cannot run ${bin}: ${run.error.message} (run npm ci first)\n`);
      return 1;
    }
    if (run.status !== 0) return run.status ?? 1;
  }
  // Only a tree that stayed the same while it was checked is recorded as passed.
  if (before !== null && fingerprint(ROOT) === before) {
    mkdirSync(join(STAMP, '..'), { recursive: true });
    writeFileSync(STAMP, `${before}\n`);
  }
  process.stdout.write('lint: prettier and eslint passed\n');
  return 0;
}

function readStamp() {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch {
    return null;
  }
}

process.exitCode = main(process.argv.slice(2));
