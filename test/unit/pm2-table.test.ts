/**
 * README's "Coming from PM2" table names every key the config-file schema
 * knows, and nothing else. Keys other branches add to the schema at the same
 * time are allowed in the table before they land (after the merge the
 * schema has them and the list below changes nothing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_APP_KEYS } from '../../src/config/file/schema';

const ROOT = join(__dirname, '..', '..');
const ARRIVING = [
  'watch',
  'ignore_watch',
  'watch_delay',
  'watch_options',
  'cron_restart',
  'sticky',
  'shutdown_with_message',
];

function tableKeys(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- pm2-keys:start -->');
  const end = readme.indexOf('<!-- pm2-keys:end -->');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const keys: string[] = [];
  for (const line of readme.slice(start, end).split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (!first || first === 'PM2 key' || first.startsWith('---')) continue;
    for (const m of first.matchAll(/`([a-z_<>]+)`/g)) keys.push(m[1]);
  }
  return keys;
}

test('the "Coming from PM2" table names every config-file key, and nothing else', () => {
  const inTable = new Set(tableKeys().filter((k) => k !== 'env_<name>'));
  const known = new Set([...KNOWN_APP_KEYS, ...ARRIVING]);
  expect([...known].filter((k) => !inTable.has(k)).sort()).toEqual([]);
  expect([...inTable].filter((k) => !known.has(k)).sort()).toEqual([]);
});
