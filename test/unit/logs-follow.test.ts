/** Following a log file by path through appends, rotations (even several between two polls), truncation and absence. */
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFollower } from '../../src/cli/logs/follow';
import { tailLog } from '../../src/cli/logs/tail';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('follow-');
let followers: FileFollower[] = [];
afterEach(() => {
  for (const f of followers) f.close();
  followers = [];
});

function follower(path: string, fromTail: boolean): { f: FileFollower; got: string[] } {
  const got: string[] = [];
  const t = fromTail ? tailLog(path, 0) : null;
  const f = new FileFollower(path, t ? { ino: t.ino, offset: t.offset } : null, (lines) => got.push(...lines));
  followers.push(f);
  return { f, got };
}

test('starts where the tail ended and hands on only whole lines', () => {
  const path = join(dir(), 'a.log');
  writeFileSync(path, '0|old\n0|half');
  const { f, got } = follower(path, true);
  f.poll();
  expect(got).toEqual([]);
  appendFileSync(path, ' done\n0|next\n');
  f.poll();
  expect(got).toEqual(['0|half done', '0|next']);
});

test('one rotation: the rest of the old file, then the new one from its start', () => {
  const path = join(dir(), 'b.log');
  writeFileSync(path, '');
  const { f, got } = follower(path, true);
  appendFileSync(path, '0|1\n');
  f.poll();
  appendFileSync(path, '0|2\n');
  renameSync(path, `${path}.1`);
  writeFileSync(path, '0|3\n');
  f.poll();
  expect(got).toEqual(['0|1', '0|2', '0|3']);
});

test('several rotations between two polls: the files in between are read too, in order', () => {
  const path = join(dir(), 'c.log');
  writeFileSync(path, '0|1\n');
  const { f, got } = follower(path, false);
  f.poll();
  appendFileSync(path, '0|2\n');
  expect(got).toEqual(['0|1']);
  // The writer rotates three times before the follower looks again.
  const shift = (): void => {
    for (let n = 3; n >= 1; n--) {
      try {
        renameSync(`${path}.${n}`, `${path}.${n + 1}`);
      } catch {
        /* not there yet */
      }
    }
    renameSync(path, `${path}.1`);
  };
  shift();
  writeFileSync(path, '0|3\n');
  shift();
  writeFileSync(path, '0|4\n');
  shift();
  writeFileSync(path, '0|5\n');
  f.poll();
  expect(got).toEqual(['0|1', '0|2', '0|3', '0|4', '0|5']);
});

test('truncation (flush) starts over from the beginning', () => {
  const path = join(dir(), 'd.log');
  writeFileSync(path, '0|a\n0|b\n');
  const { f, got } = follower(path, true);
  truncateSync(path, 0);
  f.poll();
  appendFileSync(path, '0|c\n');
  f.poll();
  expect(got).toEqual(['0|c']);
});

test('a file that does not exist yet is read from its start once it appears', () => {
  const path = join(dir(), 'e.log');
  const { f, got } = follower(path, true);
  f.poll();
  writeFileSync(path, '0|first\n');
  f.poll();
  expect(got).toEqual(['0|first']);
});

test('a rotation between the tail and the first poll loses nothing appended after the tail', () => {
  const path = join(dir(), 'f.log');
  writeFileSync(path, '0|tailed\n');
  const { f, got } = follower(path, true);
  appendFileSync(path, '0|after the tail\n');
  renameSync(path, `${path}.1`);
  writeFileSync(path, '0|new file\n');
  f.poll();
  expect(got).toEqual(['0|after the tail', '0|new file']);
});
