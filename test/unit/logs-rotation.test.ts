/** The shared rotation rules: x.log → x.log.1 → … → x.log.<retain>, gzip under its final name only when whole. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compressRotated, existingRotated, removeRotated, shiftRotated } from '../../src/logfile/rotation';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('rot-');
let path: string;
beforeEach(() => {
  path = join(dir(), 'app-out.log');
});

const files = (): string[] => readdirSync(dir()).sort();

test('shifting keeps at most `retain` rotated files, newest as .1', () => {
  for (let i = 1; i <= 5; i++) {
    writeFileSync(path, `gen ${i}\n`);
    shiftRotated(path, 3);
  }
  expect(files()).toEqual(['app-out.log.1', 'app-out.log.2', 'app-out.log.3']);
  expect(readFileSync(`${path}.1`, 'utf8')).toBe('gen 5\n');
  expect(readFileSync(`${path}.3`, 'utf8')).toBe('gen 3\n');
  expect(existingRotated(path)).toEqual([`${path}.1`, `${path}.2`, `${path}.3`]);
});

test('retain 0 keeps no rotated file', () => {
  writeFileSync(path, 'x\n');
  shiftRotated(path, 0);
  expect(files()).toEqual([]);
});

test('gzipped rotated files shift too, and a plain copy next to its .gz (a gzip cut short) is dropped', async () => {
  writeFileSync(path, 'first\n');
  shiftRotated(path, 5);
  await compressRotated(path);
  expect(files()).toEqual(['app-out.log.1.gz']);
  expect(gunzipSync(readFileSync(`${path}.1.gz`)).toString()).toBe('first\n');
  // As if the process died between renaming the .gz into place and removing the plain file.
  writeFileSync(`${path}.1`, 'first\n');
  writeFileSync(path, 'second\n');
  shiftRotated(path, 5);
  expect(files()).toEqual(['app-out.log.1', 'app-out.log.2.gz']);
  expect(readFileSync(`${path}.1`, 'utf8')).toBe('second\n');
});

test('removeRotated deletes every rotated file and leaves the current one', () => {
  writeFileSync(path, 'now\n');
  writeFileSync(`${path}.1`, 'a\n');
  writeFileSync(`${path}.2.gz`, 'b\n');
  removeRotated(path);
  expect(files()).toEqual(['app-out.log']);
  expect(existsSync(path)).toBe(true);
});
