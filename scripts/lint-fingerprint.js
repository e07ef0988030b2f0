'use strict';
/**
 * One hash of everything `npm run lint` reads: every file git sees in the
 * working tree (tracked or new, not ignored, as it is on disk now, a deleted
 * one as deleted), the installed packages (node_modules/.package-lock.json)
 * and node's version. Equal hashes mean lint would read the same inputs, so
 * a tree that passed once passes again. It covers the whole tree, not a file
 * at a time, because a type-aware rule's finding in one file can change when
 * another file changes (which is why eslint's per-file --cache is unsafe with
 * typescript-eslint: typescript-eslint/typescript-eslint#4694).
 * Returns null outside a git checkout: then nothing can be fingerprinted.
 */
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function filesGitSees(root) {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return [...new Set(out.split('\0').filter((f) => f !== ''))].sort();
  } catch {
    return null;
  }
}

function contentOf(path) {
  try {
    return readFileSync(path);
  } catch (err) {
    // A tracked file deleted from the working tree: lint does not see it, the hash must not either.
    if (err.code === 'ENOENT' || err.code === 'EISDIR') return null;
    throw err;
  }
}

function fingerprint(root) {
  const files = filesGitSees(root);
  if (files === null) return null;
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\0`);
  for (const file of [...files, join('node_modules', '.package-lock.json')]) {
    const content = contentOf(join(root, file));
    hash.update(`${file}\0${content === null ? 'absent' : createHash('sha256').update(content).digest('hex')}\0`);
  }
  return hash.digest('hex');
}

module.exports = { fingerprint };
