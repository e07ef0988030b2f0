/**
 * The log lines monit keeps for the selected app: the newest `cap` only, so
 * an app that floods its log cannot grow monit's memory. Lines are stripped
 * of control characters once, as they come in.
 */
import { stripControl } from './text';

export const DEFAULT_LOG_CAP = 1000;

export interface LogLine {
  text: string;
  /** From the err stream: painted as such. */
  err: boolean;
}

export class LogBuffer {
  private lines: LogLine[] = [];

  constructor(readonly cap: number = DEFAULT_LOG_CAP) {}

  push(lines: readonly LogLine[]): void {
    for (const l of lines) this.lines.push({ text: stripControl(l.text), err: l.err });
    // Trimmed in one splice per batch, not per line: a burst of lines costs one copy.
    if (this.lines.length > this.cap) this.lines.splice(0, this.lines.length - this.cap);
  }

  clear(): void {
    this.lines = [];
  }

  /** The newest `n` lines, oldest first. */
  last(n: number): readonly LogLine[] {
    return n <= 0 ? [] : this.lines.slice(-n);
  }

  get size(): number {
    return this.lines.length;
  }
}
