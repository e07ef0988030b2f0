/**
 * The terminal monit draws on: the alternate screen (so the shell's screen
 * comes back untouched), a hidden cursor and raw input, entered once and
 * always restored: on quit, on an error, on a signal, and at process exit
 * as a last resort. Restoring twice is harmless.
 */
import type { ReadStream, WriteStream } from 'node:tty';
import type { ScreenSize } from './screen';

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

export class Terminal {
  private active = false;
  private listeners: { keys: (text: string) => void; resize: () => void } | null = null;
  private readonly restoreOnExit = (): void => this.restore();
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.restore();
    // The conventional status of a process ended by a signal: 128 + its number.
    process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15));
  };

  constructor(
    private readonly output: WriteStream,
    private readonly input: ReadStream,
  ) {}

  enter(onKeys: (text: string) => void, onResize: () => void): void {
    if (this.active) return;
    this.active = true;
    process.on('exit', this.restoreOnExit);
    for (const s of SIGNALS) process.on(s, this.onSignal);
    this.listeners = { keys: onKeys, resize: onResize };
    // 'resize' is Node's SIGWINCH handling on a TTY stream: columns and rows are current when it fires.
    this.output.on('resize', onResize);
    this.input.setRawMode(true);
    this.input.setEncoding('utf8');
    this.input.on('data', onKeys);
    this.input.resume();
    this.output.write(ENTER);
  }

  size(): ScreenSize {
    return { cols: this.output.columns || 80, rows: this.output.rows || 24 };
  }

  write(frame: string): void {
    if (this.active) this.output.write(frame);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    process.removeListener('exit', this.restoreOnExit);
    for (const s of SIGNALS) process.removeListener(s, this.onSignal);
    if (this.listeners) {
      this.output.removeListener('resize', this.listeners.resize);
      this.input.removeListener('data', this.listeners.keys);
      this.listeners = null;
    }
    try {
      this.input.setRawMode(false);
    } catch {
      /* the terminal is gone (hang-up): nothing to restore on it */
    }
    this.input.pause();
    this.output.write(LEAVE);
  }
}
