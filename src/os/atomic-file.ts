/**
 * Files that a reader (or a crash) never sees half-written: write a temp file
 * next to the target, fsync it, rename it over the target, then fsync the
 * folder so the rename itself survives a power cut. Used for state.json (the
 * daemon) and dump.json (`save`).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to a new temp file beside `target` (fsynced) and returns its path. */
export function writeTempFile(target: string, data: string, mode = 0o600): string {
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  return tmp;
}

export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is atomic all the same.
  }
}

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const tmp = writeTempFile(path, data, mode);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncDirectory(dirname(path));
}
