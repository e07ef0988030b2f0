/**
 * Follows one log file by path, the way `tail -F` does: polls its inode and
 * size, reads what was appended, and hands on whole lines. It survives the
 * primary's own rotation and an external logrotate (a new inode: the old
 * file is read to its end first, then the new one from its start), `flush`
 * (the size went down: read again from 0) and a file that does not exist yet.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { rotatedPath } from '../../logfile/rotation';

const READ_CHUNK = 256 * 1024;
/** Bytes read per file per poll at most, so one flooding app cannot starve the others' output. */
const MAX_PER_POLL = 4 * 1024 * 1024;
/** Rotated names searched for the file we were reading, when it rotated more than once between polls. */
const MAX_MISSED_ROTATIONS = 50;

export class FileFollower {
  private fd: number | null = null;
  private ino: number | null = null;
  private offset = 0;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK);

  /**
   * `start` is where reading begins when the file at `path` still has inode
   * `start.ino` (the end of what `tailLog` printed); any other file is read
   * from its start, because it appeared after the tail was taken.
   */
  constructor(
    readonly path: string,
    private start: { ino: number | null; offset: number } | null,
    private readonly onLines: (lines: string[]) => void,
  ) {
    // Hold the tailed file open from now on: if it rotates before the first
    // poll, what was appended to it after the tail is still read.
    if (start && start.ino !== null) {
      try {
        const st = statSync(path);
        if (st.ino === start.ino) this.open(st.ino);
      } catch {
        /* gone already: the first poll finds its successor */
      }
    }
  }

  /** Reads whatever is new; call it on a timer. */
  poll(): void {
    const ino = inodeOf(this.path);
    if (this.fd !== null && ino !== this.ino) {
      // Rotated or moved away: whatever was appended to the old file before the switch comes first.
      const oldIno = this.ino as number;
      this.drain(Infinity);
      this.flushPartial();
      this.closeFd();
      this.readMissedRotations(oldIno);
    }
    if (this.fd === null) {
      if (ino === null) return;
      if (!this.open(ino)) return;
    }
    const size = fstatSync(this.fd as number).size;
    if (size < this.offset) {
      // Truncated (`clusterctl flush`, or logrotate's copytruncate): start over.
      this.offset = 0;
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
    }
    this.drain(MAX_PER_POLL);
  }

  close(): void {
    this.closeFd();
  }

  private open(ino: number): boolean {
    try {
      this.fd = openSync(this.path, 'r');
    } catch {
      return false;
    }
    const actual = fstatSync(this.fd).ino;
    this.ino = actual;
    if (this.start && this.start.ino === actual && actual === ino) this.offset = this.start.offset;
    else this.offset = 0;
    this.start = null;
    return true;
  }

  /**
   * Under a flood the file can rotate more than once between two polls: the
   * file we read is then `.2` or further, and the ones between it and the
   * current file were written whole in the meantime. They are read here, in
   * order. (A gzipped rotated file has a new inode and cannot be matched; with
   * --log-compress such an in-between file is skipped.)
   */
  private readMissedRotations(oldIno: number): void {
    let found = 0;
    for (let n = 1; n <= MAX_MISSED_ROTATIONS; n++) {
      const ino = inodeOf(rotatedPath(this.path, n, false));
      if (ino === oldIno) {
        found = n;
        break;
      }
      if (ino === null && inodeOf(rotatedPath(this.path, n, true)) === null) break;
    }
    for (let n = found - 1; n >= 1; n--) {
      let text: string;
      try {
        text = readFileSync(rotatedPath(this.path, n, false), 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      if (lines.length > 0) this.onLines(lines);
    }
  }

  private drain(limit: number): void {
    if (this.fd === null) return;
    let read = 0;
    let text = '';
    while (read < limit) {
      const r = readSync(this.fd, this.buf, 0, READ_CHUNK, this.offset);
      if (r === 0) break;
      this.offset += r;
      read += r;
      text += this.decoder.write(this.buf.subarray(0, r));
    }
    if (text === '') return;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() as string;
    if (lines.length > 0) this.onLines(lines);
  }

  private flushPartial(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
    if (rest !== '') this.onLines([rest]);
  }

  private closeFd(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.ino = null;
  }
}

function inodeOf(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}
