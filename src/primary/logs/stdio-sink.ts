/**
 * The primary's own stdout or stderr as a log sink, for `clusterctl run`:
 * there the primary inherits the runner's stdout and stderr (the container's
 * or the systemd journal's), so each worker line goes out on them, whole,
 * tagged with its app and instance. Back-pressure is the stream's: when its
 * buffer is full the workers' pipes pause until it drains. Nothing to
 * rotate, truncate or reopen: the collector owns the output.
 */
import type { Writable } from 'node:stream';
import type { LogSink } from './sink';

export class StdioSink implements LogSink {
  onPressure: ((paused: boolean) => void) | null = null;
  private paused = false;

  constructor(
    readonly path: string,
    private readonly stream: Writable,
  ) {
    stream.on('drain', () => {
      if (!this.paused) return;
      this.paused = false;
      this.onPressure?.(false);
    });
  }

  write(text: string): boolean {
    const ok = this.stream.write(text);
    if (!ok && !this.paused) {
      this.paused = true;
      this.onPressure?.(true);
    }
    return ok;
  }

  flush(): Promise<void> {
    // An empty write's callback runs once everything queued before it is handed to the fd.
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }

  async truncate(): Promise<void> {}
  async reopen(): Promise<void> {}
  async configure(): Promise<void> {}
  async close(): Promise<void> {
    await this.flush();
  }
}

/** True when `sink` writes to the primary's own stdout/stderr (lines then carry the app name too). */
export function isStdio(sink: LogSink): boolean {
  return sink instanceof StdioSink;
}
