/**
 * The selected app's log, followed with `clusterctl logs`' machinery: the
 * last lines of its out and err files interleaved in time, then new lines as
 * they are appended (through rotation, flush and restarts). Switching to
 * another app, or the app's log paths changing, starts over.
 */
import type { AppInfo } from '../../protocol/types';
import { FileFollower } from '../logs/follow';
import { formatEntry, NO_COLOR_PALETTE, type LogEntry } from '../logs/format';
import { entryOf, interleave, sourcesOf, tailSources, type LogSource } from '../logs/sources';
import type { LogLine } from './log-buffer';

const FILTER = { streams: ['out', 'err'] as const, instance: null };
/** How often the files are checked for new lines, as `clusterctl logs` does. */
const POLL_MS = 200;

/** Plain: monit colours err lines itself, after cutting them to the screen's width. */
function lineOf(entry: LogEntry): LogLine {
  return { text: formatEntry(entry, NO_COLOR_PALETTE), err: entry.stream === 'err' };
}

export class AppLogFollower {
  private key = '';
  private followers: FileFollower[] = [];
  private timer: NodeJS.Timeout | null = null;

  /**
   * `onReset` empties the shown lines (another app, or its files changed);
   * `onLines` adds lines. `history` is how many lines of each file are read
   * when following starts.
   */
  constructor(
    private readonly history: number,
    private readonly onReset: () => void,
    private readonly onLines: (lines: LogLine[]) => void,
  ) {}

  /** Follows `app`'s files (nothing for null); a no-op when they are the ones already followed. */
  follow(app: AppInfo | null): void {
    const sources = app === null ? [] : sourcesOf([app], FILTER);
    const key = `${app?.name ?? ''}\n${sources.map((s) => `${s.stream}:${s.path}`).join('\n')}`;
    if (key === this.key) return;
    this.stop();
    this.key = key;
    this.onReset();
    if (sources.length === 0) return;
    const tails = tailSources(sources, this.history, FILTER);
    this.onLines(interleave(tails).map(lineOf));
    this.followers = tails.map(({ source, tail }) => this.followerOf(source, { ino: tail.ino, offset: tail.offset }));
    this.timer = setInterval(() => {
      for (const f of this.followers) f.poll();
    }, POLL_MS);
  }

  close(): void {
    this.stop();
    this.key = '';
  }

  private followerOf(source: LogSource, start: { ino: number | null; offset: number }): FileFollower {
    return new FileFollower(source.path, start, (lines) => this.onLines(lines.map((l) => lineOf(entryOf(source, l)))));
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const f of this.followers) f.close();
    this.followers = [];
  }
}
