'use strict';
/**
 * Follows a log file the way `tail -F` does and counts the numbered lines of
 * one flood run (`flood r<run> <seq>`): unique ones and duplicates. The file
 * may be rotated by rename while we read (clusterctl rotates at 10 MiB by
 * default, and a flood is 10 MB): the open descriptor keeps reading the
 * renamed file to its end, then we switch to the new file from its start.
 */
const { openSync, readSync, fstatSync, statSync, closeSync } = require('node:fs');

class LineCounter {
  /**
   * @param {string} path
   * @param {number} run
   * @param {number} expected lines numbered 0..expected-1
   */
  constructor(path, run, expected) {
    this.path = path;
    this.needle = `flood r${run} `;
    this.seen = new Uint8Array(expected);
    this.unique = 0;
    this.duplicates = 0;
    this.partial = '';
    this.buf = Buffer.alloc(1 << 20);
    /** @type {number | null} */
    this.fd = null;
    this.ino = -1;
    this.pos = 0;
    // Start at the current end: earlier runs' lines are not this run's business.
    try {
      this.fd = openSync(path, 'r');
      const st = fstatSync(this.fd);
      this.ino = st.ino;
      this.pos = st.size;
    } catch {
      this.fd = null;
    }
  }

  /** Read whatever is new; returns the count of unique lines so far. */
  poll() {
    if (this.fd === null) {
      try {
        this.fd = openSync(this.path, 'r');
        this.ino = fstatSync(this.fd).ino;
        this.pos = 0;
      } catch {
        return this.unique;
      }
    }
    this.drain();
    let st;
    try {
      st = statSync(this.path);
    } catch {
      return this.unique; // between rename and re-creation
    }
    if (st.ino !== this.ino) {
      this.drain();
      closeSync(this.fd);
      this.fd = null;
      this.partial = '';
      return this.poll();
    }
    if (st.size < this.pos) this.pos = 0; // truncated in place
    return this.unique;
  }

  drain() {
    if (this.fd === null) return;
    for (;;) {
      const n = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
      if (n <= 0) return;
      this.pos += n;
      this.consume(this.buf.toString('latin1', 0, n));
    }
  }

  /** @param {string} text */
  consume(text) {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const at = line.indexOf(this.needle);
      if (at < 0) continue;
      const seq = Number(line.substr(at + this.needle.length, 6));
      if (!Number.isInteger(seq) || seq < 0 || seq >= this.seen.length) continue;
      if (this.seen[seq]) this.duplicates++;
      else {
        this.seen[seq] = 1;
        this.unique++;
      }
    }
  }

  close() {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

module.exports = { LineCounter };
