/** Reading the last lines of log files backwards, across rotated (and gzipped) files. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tailLog } from '../../src/cli/logs/tail';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('tail-');

const numbered = (from: number, to: number, pad = ''): string => {
  let s = '';
  for (let i = from; i < to; i++) s += `0|line ${i}${pad}\n`;
  return s;
};

test('the last n lines of a file spanning many read blocks, in order', () => {
  const path = join(dir(), 'a.log');
  writeFileSync(path, numbered(0, 50000));
  const t = tailLog(path, 3);
  expect(t.lines).toEqual(['0|line 49997', '0|line 49998', '0|line 49999']);
  const many = tailLog(path, 20000).lines;
  expect(many).toHaveLength(20000);
  expect(many[0]).toBe('0|line 30000');
  expect(many[19999]).toBe('0|line 49999');
});

test('lines longer than a read block come out whole', () => {
  const path = join(dir(), 'b.log');
  const long = 'x'.repeat(200 * 1024);
  writeFileSync(path, `0|first\n0|${long}\n0|last\n`);
  expect(tailLog(path, 2).lines).toEqual([`0|${long}`, '0|last']);
  expect(tailLog(path, 10).lines).toEqual(['0|first', `0|${long}`, '0|last']);
});

test('a line still being written is left out, and following starts just before it', () => {
  const path = join(dir(), 'c.log');
  writeFileSync(path, '0|one\n0|two\n0|thr');
  const t = tailLog(path, 5);
  expect(t.lines).toEqual(['0|one', '0|two']);
  expect(t.offset).toBe('0|one\n0|two\n'.length);
});

test('older lines come from the rotated files, gzipped or not', () => {
  const path = join(dir(), 'd.log');
  writeFileSync(`${path}.2.gz`, gzipSync(numbered(0, 5)));
  writeFileSync(`${path}.1`, numbered(5, 10));
  writeFileSync(path, numbered(10, 12));
  expect(tailLog(path, 9).lines).toEqual(['0|line 3', '0|line 4', ...numbered(5, 12).trimEnd().split('\n')]);
  expect(tailLog(path, 100).lines).toHaveLength(12);
});

test('a filter keeps only one instance, still n lines', () => {
  const path = join(dir(), 'e.log');
  for (let i = 0; i < 100; i++) appendFileSync(path, `${i % 2}|n=${i}\n`);
  const t = tailLog(path, 3, (l) => l.startsWith('1|'));
  expect(t.lines).toEqual(['1|n=95', '1|n=97', '1|n=99']);
});

test('a missing file is no lines, and zero lines asked still gives where to follow from', () => {
  expect(tailLog(join(dir(), 'none.log'), 5)).toEqual({ lines: [], offset: 0, ino: null });
  const path = join(dir(), 'f.log');
  writeFileSync(path, numbered(0, 3));
  const t = tailLog(path, 0);
  expect(t.lines).toEqual([]);
  expect(t.offset).toBe(numbered(0, 3).length);
});
