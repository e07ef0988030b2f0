/**
 * One log file written by the app primary: an ordered queue of whole-line
 * chunks drained by one `writev` at a time, rotated at line boundaries when
 * the next chunk would push the file past `maxSize`. Control operations
 * (truncate, reopen, reconfigure, close, flush markers) travel in the same
 * queue, so they apply exactly between the lines queued before and after them.
 *
 * Writes are asynchronous on purpose: the primary's event loop also accepts
 * connections for round-robin and answers the daemon, so a slow disk must
 * slow the app's output (back-pressure through `pressure`), not the primary.
 */
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { compressRotated, removeRotated, shiftRotated } from '../../logfile/rotation';
import type { LogSink, RotationOptions } from './sink';

/** Above this many queued bytes the sources are paused; below LOW_WATER they resume. */
export const HIGH_WATER = 1024 * 1024;
export const LOW_WATER = 256 * 1024;
/** Largest single writev: bounds the time one write holds a thread-pool slot. */
const MAX_BATCH = 1024 * 1024;

type Op = (self: LogFile) => Promise<void>;
type Entry = { kind: 'data'; buf: Buffer } | { kind: 'op'; run: Op; done: (err?: Error) => void };

export class LogFile implements LogSink {
  onPressure: ((paused: boolean) => void) | null = null;
  private handle: FileHandle | null = null;
  private size = 0;
  private readonly queue: Entry[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private paused = false;
  private closed = false;
  private compressing: Promise<void> | null = null;
  /** The last error code reported, so a full disk reports once, not once per line. */
  private lastErrorCode: string | null = null;

  constructor(
    readonly path: string,
    private opts: RotationOptions,
    private readonly onError: (err: Error) => void,
  ) {}

  write(text: string): boolean {
    if (this.closed || text.length === 0) return true;
    const buf = Buffer.from(text, 'utf8');
    this.queue.push({ kind: 'data', buf });
    this.queuedBytes += buf.length;
    this.kick();
    if (!this.paused && this.queuedBytes > HIGH_WATER) {
      this.paused = true;
      this.onPressure?.(true);
    }
    return !this.paused;
  }

  flush(): Promise<void> {
    return this.enqueueOp(async () => {});
  }

  truncate(): Promise<void> {
    return this.enqueueOp(async (self) => {
      await self.ensureOpen();
      if (self.handle) await self.handle.truncate(0);
      self.size = 0;
      if (self.compressing) await self.compressing;
      removeRotated(self.path);
    });
  }

  reopen(): Promise<void> {
    return this.enqueueOp(async (self) => {
      await self.closeHandle();
      await self.ensureOpen();
    });
  }

  configure(opts: RotationOptions): Promise<void> {
    return this.enqueueOp((self) => {
      self.opts = opts;
      return Promise.resolve();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.enqueueOp(async (self) => {
      self.closed = true;
      await self.closeHandle();
      if (self.compressing) await self.compressing;
    });
  }

  private enqueueOp(run: Op): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'op', run, done: (err) => (err ? reject(err) : resolve()) });
      this.kick();
    });
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === 'op') {
        this.queue.shift();
        try {
          await head.run(this);
          head.done();
        } catch (err) {
          head.done(err as Error);
        }
        continue;
      }
      const batch = await this.takeBatch();
      if (batch.length === 0) continue;
      let bytes = 0;
      for (const b of batch) bytes += b.length;
      await this.writeBatch(batch, bytes);
      this.queuedBytes -= bytes;
      if (this.paused && this.queuedBytes < LOW_WATER) {
        this.paused = false;
        this.onPressure?.(false);
      }
    }
  }

  /**
   * Takes whole-line chunks off the head of the queue that fit in the current
   * file, rotating first when not even the first line fits. A line longer
   * than maxSize is written alone into a fresh file rather than split.
   */
  private async takeBatch(): Promise<Buffer[]> {
    const batch: Buffer[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && bytes < MAX_BATCH) {
      const head = this.queue[0];
      if (head.kind !== 'data') break;
      const room = this.opts.maxSize - this.size - bytes;
      if (head.buf.length <= room) {
        batch.push(head.buf);
        bytes += head.buf.length;
        this.queue.shift();
        continue;
      }
      if (bytes > 0) break;
      // Nothing taken yet and the head chunk does not fit whole: take the lines that do.
      const cut = lastLineEndWithin(head.buf, room);
      if (cut > 0) {
        batch.push(head.buf.subarray(0, cut));
        head.buf = head.buf.subarray(cut);
        break;
      }
      if (this.size > 0) {
        await this.rotate();
        continue;
      }
      // An empty file and a first line longer than maxSize: write that one line whole.
      const firstEnd = head.buf.indexOf(0x0a);
      const end = firstEnd === -1 ? head.buf.length : firstEnd + 1;
      batch.push(head.buf.subarray(0, end));
      if (end === head.buf.length) this.queue.shift();
      else head.buf = head.buf.subarray(end);
      break;
    }
    return batch;
  }

  private async writeBatch(batch: Buffer[], bytes: number): Promise<void> {
    try {
      await this.ensureOpen();
      if (!this.handle) return;
      let written = 0;
      let pending = batch;
      // writev may write less than asked (a full disk, a signal): continue from where it stopped.
      for (;;) {
        const { bytesWritten } = await this.handle.writev(pending);
        written += bytesWritten;
        if (written >= bytes) break;
        pending = skipBytes(pending, bytesWritten);
      }
      this.size += bytes;
      this.lastErrorCode = null;
    } catch (err) {
      this.report(err as NodeJS.ErrnoException);
      // The file may be gone or the disk full: reopen on the next batch, and
      // drop this one rather than hold the app back forever.
      await this.closeHandle();
    }
  }

  private async rotate(): Promise<void> {
    try {
      // The previous .1 must be compressed before it becomes .2, or the gzip would land on the wrong name.
      if (this.compressing) await this.compressing;
      await this.closeHandle();
      shiftRotated(this.path, this.opts.retain);
      if (this.opts.compress && this.opts.retain > 0) {
        this.compressing = compressRotated(this.path)
          .catch((err: unknown) => this.report(err as NodeJS.ErrnoException))
          .finally(() => {
            this.compressing = null;
          });
      }
    } catch (err) {
      this.report(err as NodeJS.ErrnoException);
    }
    // Whatever happened to the rename, the next lines start a file of size 0
    // from our point of view, so a failing rename cannot loop forever.
    await this.ensureOpen();
    this.size = 0;
  }

  private async ensureOpen(): Promise<void> {
    if (this.handle || this.closed) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.handle = await open(this.path, 'a', 0o600);
      this.size = (await this.handle.stat()).size;
    } catch (err) {
      this.report(err as NodeJS.ErrnoException);
      this.handle = null;
    }
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    if (h) await h.close().catch(() => undefined);
  }

  private report(err: NodeJS.ErrnoException): void {
    const code = err.code ?? err.message;
    if (code === this.lastErrorCode) return;
    this.lastErrorCode = code;
    this.onError(new Error(`log file ${this.path}: ${err.message}`));
  }
}

/** Offset just past the last '\n' within the first `limit` bytes, or 0. */
function lastLineEndWithin(buf: Buffer, limit: number): number {
  if (limit <= 0) return 0;
  const nl = buf.lastIndexOf(0x0a, Math.min(limit, buf.length) - 1);
  return nl === -1 ? 0 : nl + 1;
}

function skipBytes(bufs: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = n;
  for (const b of bufs) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
