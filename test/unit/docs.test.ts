/**
 * The README is the front door: every error code and every option of every
 * command is documented there, and it names no error code that no longer
 * exists (after fastify's documentation test).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../src/protocol/errors';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BIN = join(ROOT, 'bin', 'clusterctl');

function help(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--help'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return r.stdout;
}

test('every error code is in the README table, and the README names no other', () => {
  for (const [code, { exit }] of Object.entries(ERROR_CODES)) {
    expect(README).toMatch(new RegExp(`\\| \`${code}\` \\| ${exit} \\|`));
  }
  const named = new Set(README.match(/\bE_[A-Z_]+\b/g) ?? []);
  for (const code of named) expect(Object.keys(ERROR_CODES)).toContain(code);
});

test('every command and every option of it is documented in the README', () => {
  const commands = [...help([]).matchAll(/^ {2}([a-z][a-z-]*)(?:\|[a-z]+)? /gm)]
    .map((m) => m[1])
    .filter((c) => c !== 'help');
  expect(commands.length).toBeGreaterThan(10);
  const missing: string[] = [];
  let checked = 0;
  for (const command of commands) {
    if (!README.includes(command)) missing.push(command);
    const text = help(command === 'daemon' ? ['daemon', 'restart'] : [command]);
    // Only the Options block: the examples below it pass flags to scripts.
    const options = (text.split(/^Options:$/m)[1] ?? '').split(/^\S/m)[0] ?? '';
    for (const m of options.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)) {
      const option = m[1];
      if (option === '--help') continue;
      checked++;
      if (!README.includes(option)) missing.push(`${command} ${option}`);
    }
  }
  expect(checked).toBeGreaterThan(40);
  expect(missing).toEqual([]);
});
