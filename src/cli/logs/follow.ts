/**
 * Follows one log file by path, the way `tail -F` does: polls its inode and
 * size, reads what was appended, and hands on whole lines. It survives the
 * primary's own rotation and an external logrotate (a new inode: the old
 * file is read to its end first, then the new one from its start), `flush`
 * (the size went down: read again from 0) and a file that does not exist yet.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const READ_CHUNK = 256 * 1024;
/** Bytes read per file per poll at most, so one flooding app cannot starve the others' output. */
const MAX_PER_POLL = 4 * 1024 * 1024;

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
  constructor(readonly path: string, private start: { ino: number | null; offset: number } | null, private readonly onLines: (lines: string[]) => void) {}

  /** Reads whatever is new; call it on a timer. */
  poll(): void {
    let st: { ino: number; size: number } | null = null;
    try {
      const s = statSync(this.path);
      st = { ino: s.ino, size: s.size };
    } catch {
      st = null;
    }
    if (this.fd !== null && (st === null || st.ino !== this.ino)) {
      // Rotated or moved away: whatever was appended to the old file before the switch comes first.
      this.drain(Infinity);
      this.flushPartial();
      this.closeFd();
    }
    if (this.fd === null) {
      if (st === null) return;
      if (!this.open(st.ino)) return;
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
