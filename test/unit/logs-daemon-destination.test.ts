/** daemon.log's pino destination rotates by the same rules as the apps' logs. */
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createRotatingDestination, reopenAllDestinations } from '../../src/logfile/destination';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('dlog-');

test('pino lines rotate at maxSize into at most `retain` files, none split or lost among those kept', () => {
  const path = join(dir(), 'daemon.log');
  const dest = createRotatingDestination(path, { maxSize: 2048, retain: 3 });
  const logger = pino({ base: null }, dest);
  for (let i = 0; i < 200; i++) logger.info({ i }, 'line');
  dest.close();
  expect(readdirSync(dir()).sort()).toEqual(['daemon.log', 'daemon.log.1', 'daemon.log.2', 'daemon.log.3']);
  const text = ['daemon.log.3', 'daemon.log.2', 'daemon.log.1', 'daemon.log']
    .map((f) => readFileSync(join(dir(), f), 'utf8'))
    .join('');
  const is = text
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { i: number }).i);
  expect(is[is.length - 1]).toBe(199);
  expect(is.filter((v, k) => v !== is[0] + k)).toEqual([]);
  for (const f of readdirSync(dir())) expect(readFileSync(join(dir(), f)).length).toBeLessThanOrEqual(2048);
});

test('reopen (reload-logs) starts a new file after an external logrotate moved the old one', () => {
  const path = join(dir(), 'daemon.log');
  const dest = createRotatingDestination(path, { maxSize: 1 << 20, retain: 2 });
  dest.write('{"n":1}\n');
  renameSync(path, `${path}.moved`);
  dest.write('{"n":2}\n');
  reopenAllDestinations();
  dest.write('{"n":3}\n');
  dest.close();
  expect(readFileSync(`${path}.moved`, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  expect(readFileSync(path, 'utf8')).toBe('{"n":3}\n');
});
