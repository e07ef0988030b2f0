/**
 * The last lines of a log file, read backwards block by block so that
 * `clusterctl logs --lines 15` on a 10 MiB file reads a few kilobytes, not
 * the whole file. When the current file holds fewer lines than asked, the
 * rotated files (`.1`, `.1.gz`, `.2` …) supply the older ones.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { existingRotated } from '../../logfile/rotation';

const BLOCK = 64 * 1024;
/** Rotated files consulted at most for one tail: enough for any sane --lines. */
const MAX_ROTATED = 10;

export interface Tail {
  /** Oldest first. */
  lines: string[];
  /** Where following should continue in the current file: just past its last complete line. */
  offset: number;
  /** Inode of the current file when it was read, or null when it does not exist. */
  ino: number | null;
}

type Keep = (line: string) => boolean;

/** Up to `n` lines accepted by `keep` from the end of an open file of `size` bytes that ends on a '\n'. */
function lastLinesOfFd(fd: number, size: number, n: number, keep: Keep): string[] {
  const found: string[] = [];
  let pos = size;
  let carry: Buffer = Buffer.alloc(0);
  while (pos > 0 && found.length < n) {
    const len = Math.min(BLOCK, pos);
    pos -= len;
    const block = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const r = readSync(fd, block, got, len - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    const buf = carry.length > 0 ? Buffer.concat([block.subarray(0, got), carry]) : block.subarray(0, got);
    // `end` is the index of the '\n' that terminates the line being cut out.
    let end = buf.length - 1;
    while (found.length < n) {
      const start = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1;
      if (start === -1 && pos > 0) break; // the line began in an earlier block
      const line = buf.toString('utf8', start + 1, end);
      if (keep(line)) found.push(line);
      if (start === -1) {
        end = -1;
        break;
      }
      end = start;
    }
    carry = end >= 0 ? buf.subarray(0, end + 1) : Buffer.alloc(0);
    if (end < 0) break;
  }
  return found.reverse();
}

function lastLinesOfText(text: string, n: number, keep: Keep): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  const found: string[] = [];
  for (let i = all.length - 1; i >= 0 && found.length < n; i--) {
    const line = all[i];
    if (keep(line)) found.push(line);
  }
  return found.reverse();
}

/** Size of the file up to and including its last '\n' (a line still being written is left for the follower). */
function completeSize(fd: number, size: number): number {
  let pos = size;
  const buf = Buffer.allocUnsafe(Math.min(BLOCK, size));
  while (pos > 0) {
    const len = Math.min(buf.length, pos);
    const r = readSync(fd, buf, 0, len, pos - len);
    const nl = buf.subarray(0, r).lastIndexOf(0x0a);
    if (nl !== -1) return pos - len + nl + 1;
    pos -= len;
  }
  return 0;
}

export function tailLog(path: string, n: number, keep: Keep = () => true): Tail {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { lines: olderLines(path, n, keep), offset: 0, ino: null };
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const offset = completeSize(fd, st.size);
    const lines = n > 0 ? lastLinesOfFd(fd, offset, n, keep) : [];
    if (lines.length < n) lines.unshift(...olderLines(path, n - lines.length, keep));
    return { lines, offset, ino: st.ino };
  } finally {
    closeSync(fd);
  }
}

function gunzip(raw: Buffer): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: zlib is loaded only when a gzipped file is read, which most runs never do
  const { gunzipSync } = require('node:zlib') as typeof import('node:zlib');
  return gunzipSync(raw).toString('utf8');
}

function olderLines(path: string, n: number, keep: Keep): string[] {
  if (n <= 0) return [];
  const out: string[] = [];
  for (const file of existingRotated(path, MAX_ROTATED)) {
    let text: string;
    try {
      const raw = readFileSync(file);
      text = file.endsWith('.gz') ? gunzip(raw) : raw.toString('utf8');
    } catch {
      break; // rotated away or half-written gzip: what we have is enough
    }
    const got = lastLinesOfText(text, n - out.length, keep);
    out.unshift(...got);
    if (out.length >= n) break;
  }
  return out;
}
