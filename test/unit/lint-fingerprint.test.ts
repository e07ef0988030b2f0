/**
 * scripts/lint-fingerprint.js: the hash `npm run lint` uses to skip a tree
 * that already passed. It must change with anything lint reads (a tracked
 * file's content, a new file, a deleted one, the installed packages) and stay
 * the same for what lint does not read (git-ignored files). Real git in a
 * temporary repository.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../helpers/tmp';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is plain JS that npm runs with no build step
const { fingerprint } = require('../../scripts/lint-fingerprint.js') as {
  fingerprint: (root: string) => string | null;
};

const dir = useTempDir('lint-fp-');

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: dir(), stdio: 'ignore' });
}

function repo(): string {
  git('init', '-q');
  writeFileSync(join(dir(), '.gitignore'), 'ignored/\nnode_modules/\n');
  writeFileSync(join(dir(), 'a.ts'), 'export const a = 1;\n');
  git('add', '.');
  return fingerprint(dir()) ?? 'none';
}

test('the same tree gives the same fingerprint', () => {
  const first = repo();
  expect(first).toMatch(/^[0-9a-f]{64}$/);
  expect(fingerprint(dir())).toBe(first);
});

test("a tracked file's content changes it, and restoring the content restores it", () => {
  const first = repo();
  writeFileSync(join(dir(), 'a.ts'), 'export const a = 2;\n');
  expect(fingerprint(dir())).not.toBe(first);
  writeFileSync(join(dir(), 'a.ts'), 'export const a = 1;\n');
  expect(fingerprint(dir())).toBe(first);
});

test('a new untracked file changes it; a git-ignored one does not', () => {
  const first = repo();
  mkdirSync(join(dir(), 'ignored'));
  writeFileSync(join(dir(), 'ignored', 'x.ts'), 'const x: any = 1;\n');
  expect(fingerprint(dir())).toBe(first);
  writeFileSync(join(dir(), 'b.ts'), 'export const b = 1;\n');
  expect(fingerprint(dir())).not.toBe(first);
});

test('deleting a tracked file changes it', () => {
  const first = repo();
  rmSync(join(dir(), 'a.ts'));
  expect(fingerprint(dir())).not.toBe(first);
});

test('the installed packages change it', () => {
  const first = repo();
  mkdirSync(join(dir(), 'node_modules'));
  writeFileSync(join(dir(), 'node_modules', '.package-lock.json'), '{"packages":{}}\n');
  expect(fingerprint(dir())).not.toBe(first);
});

test('outside a git checkout there is no fingerprint', () => {
  writeFileSync(join(dir(), 'a.ts'), 'export const a = 1;\n');
  expect(fingerprint(dir())).toBeNull();
});
