// The log-flood figure ("lines lost") is only honest if the counter follows
// the file across a rotation by rename, as clusterctl rotates at 10 MiB.
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter } from '../../bench/lib/line-counter';
import { useTempDir } from '../helpers/tmp';

const line = (run: number, seq: number): string => `[0] flood r${run} ${String(seq).padStart(6, '0')} xxxx\n`;

describe('LineCounter', () => {
  const dir = useTempDir('bench-line-counter-');

  it('counts only the lines of its run written after it started, across a rename rotation', () => {
    const file = join(dir(), 'app-out.log');
    writeFileSync(file, line(7, 0) + line(1, 1));
    const counter = new LineCounter(file, 7, 10);
    appendFileSync(file, line(7, 0) + line(7, 1) + line(6, 2) + `[0] flood r7 0000`);
    expect(counter.poll()).toBe(2);
    // The writer finishes its half line, rotates, and goes on in a new file.
    appendFileSync(file, `02 xxxx\n` + line(7, 3));
    renameSync(file, `${file}.1`);
    writeFileSync(file, line(7, 4) + line(7, 4));
    expect(counter.poll()).toBe(5);
    expect(counter.duplicates).toBe(1);
    counter.close();
  });

  it('waits for a file that does not exist yet and reads it from the start', () => {
    const file = join(dir(), 'later.log');
    const counter = new LineCounter(file, 1, 3);
    expect(counter.poll()).toBe(0);
    writeFileSync(file, line(1, 0) + line(1, 2) + line(1, 9));
    expect(counter.poll()).toBe(2);
    counter.close();
  });
});
