/**
 * Newline-delimited JSON framing shared by every socket (CLI <-> daemon,
 * daemon <-> app primary). One message per line; a line over the limit is
 * refused without being buffered whole, so a peer cannot make us hold an
 * unbounded amount of memory.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

export type DecodedLine =
  { kind: 'message'; value: unknown } | { kind: 'malformed'; reason: string } | { kind: 'oversized'; bytes: number };

export class LineDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  /** True while skipping the rest of an oversized line. */
  private discarding = false;
  private discarded = 0;

  constructor(private readonly maxBytes: number = MAX_LINE_BYTES) {}

  push(chunk: Buffer): DecodedLine[] {
    const out: DecodedLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.discarding) {
        this.discarded += piece.length;
      } else if (this.size + piece.length > this.maxBytes) {
        this.discarding = true;
        this.discarded = this.size + piece.length;
        this.chunks = [];
        this.size = 0;
      } else if (piece.length > 0) {
        this.chunks.push(Buffer.from(piece));
        this.size += piece.length;
      }
      if (nl === -1) break;
      if (this.discarding) {
        out.push({ kind: 'oversized', bytes: this.discarded });
        this.discarding = false;
        this.discarded = 0;
      } else {
        const line = Buffer.concat(this.chunks, this.size).toString('utf8');
        this.chunks = [];
        this.size = 0;
        if (line.trim() !== '') out.push(parseLine(line));
      }
      start = nl + 1;
    }
    return out;
  }

  /** True when an oversized line is being skipped and no newline has arrived yet. */
  get overflowing(): boolean {
    return this.discarding;
  }
}

function parseLine(line: string): DecodedLine {
  try {
    return { kind: 'message', value: JSON.parse(line) as unknown };
  } catch (err) {
    return { kind: 'malformed', reason: err instanceof Error ? err.message : String(err) };
  }
}

export function encodeLine(message: unknown): string {
  return JSON.stringify(message) + '\n';
}
