/**
 * Cuts one stream's bytes into whole lines. A line is only ever handed on
 * once its '\n' has arrived (or the stream ended), which is what keeps two
 * workers' half-lines from being spliced together in a shared file.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * A "line" that grows past this without a newline is cut here, so a worker
 * printing megabytes without '\n' cannot make the primary hold them all.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  /** Whole lines completed by `chunk`, without their '\n' (a trailing '\r' is dropped too). */
  push(chunk: Buffer): string[] {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() as string;
    while (this.partial.length > MAX_LINE_CHARS) {
      lines.push(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = this.partial.slice(MAX_LINE_CHARS);
    }
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
    }
    return lines;
  }

  /** The unterminated last line, if any, once the stream has ended. */
  end(): string | null {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest.length > 0 ? rest : null;
  }
}
