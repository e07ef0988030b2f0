/**
 * A line destination that rotates by the same rules as the apps' logs
 * (`x.log.1` … `x.log.<retain>`, never gzipped): pino's for daemon.log, and
 * each app primary's own log, so neither can fill the disk.
 *
 * Writes are synchronous: the daemon logs little, and the line written just
 * before a crash or an exit must be on disk. Rotation is a few renames,
 * cheap enough to do inline.
 */
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { shiftRotated } from './rotation';

export interface RotatingDestinationOptions {
  maxSize: number;
  retain: number;
  /** Told about a failed write or rotation; the destination keeps going. */
  onError?: (err: Error) => void;
}

export interface RotatingDestination {
  readonly path: string;
  /** pino calls this with one whole JSON line. */
  write(line: string): boolean;
  /** Close and reopen by path (after an external logrotate moved the file). */
  reopen(): void;
  close(): void;
}

/** Every destination this process opened, so `reload-logs` can reopen daemon.log too. */
const live = new Set<RotatingDestination>();

export function reopenAllDestinations(): void {
  for (const d of live) d.reopen();
}

export function createRotatingDestination(path: string, opts: RotatingDestinationOptions): RotatingDestination {
  let fd: number | null = null;
  let size = 0;
  const report = (err: unknown): void => {
    opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  };

  const openFile = (): void => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(path, 'a', 0o600);
    size = fstatSync(fd).size;
  };
  const close = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };

  const rotate = (): void => {
    close();
    shiftRotated(path, opts.retain);
    openFile();
  };

  openFile();
  const dest: RotatingDestination = {
    path,
    write(line) {
      const buf = Buffer.from(line, 'utf8');
      try {
        if (fd === null) openFile();
        if (size > 0 && size + buf.length > opts.maxSize) rotate();
        let off = 0;
        while (off < buf.length) off += writeSync(fd as number, buf, off);
        size += buf.length;
      } catch (err) {
        report(err);
        close();
      }
      return true;
    },
    reopen() {
      close();
      try {
        openFile();
      } catch (err) {
        report(err);
      }
    },
    close() {
      close();
      live.delete(dest);
    },
  };
  live.add(dest);
  return dest;
}
