/**
 * Which files `clusterctl logs` reads, from the apps' specs as the daemon
 * reports them, and how the last lines of several files are interleaved.
 */
import { statSync } from 'node:fs';
import { stampReader, type StampReader } from '../../logfile/date-format';
import { DEV_NULL_PATH, parseLogLine, STDERR_PATH, STDOUT_PATH, type LogStream } from '../../logfile/line';
import { ClusterctlError } from '../../protocol/errors';
import type { AppInfo } from '../../protocol/types';
import type { LogEntry } from './format';
import { tailLog, type Tail } from './tail';

export interface LogSource {
  app: string;
  stream: LogStream;
  path: string;
  /** Reads the stamps of the app's date format (log_date_format), when it writes one. */
  stamps: StampReader | null;
}

export interface SourceFilter {
  streams: readonly LogStream[];
  /** Only this instance's lines, or every line when null. */
  instance: number | null;
}

/** One source per app and stream; /dev/null is skipped, and a file shared by out and err is read once (as out). */
export function sourcesOf(apps: readonly AppInfo[], filter: SourceFilter): LogSource[] {
  const out: LogSource[] = [];
  const seen = new Set<string>();
  for (const app of apps) {
    for (const stream of filter.streams) {
      const path = stream === 'out' ? app.spec.logs.out : app.spec.logs.err;
      if (path === DEV_NULL_PATH || path === STDOUT_PATH || path === STDERR_PATH || seen.has(path)) continue;
      seen.add(path);
      const { time, dateFormat } = app.spec.logs;
      out.push({ app: app.name, stream, path, stamps: time && dateFormat !== null ? stampReader(dateFormat) : null });
    }
  }
  return out;
}

/** Under `clusterctl run` the lines go to run's own output, not to files: say where to read them. */
export function refuseRunOutput(apps: readonly AppInfo[], sources: readonly LogSource[]): void {
  const onStdio = apps.filter((a) =>
    [a.spec.logs.out, a.spec.logs.err].some((p) => p === STDOUT_PATH || p === STDERR_PATH),
  );
  if (sources.length > 0 || onStdio.length === 0) return;
  throw new ClusterctlError(
    'E_NOT_AVAILABLE',
    `${onStdio.map((a) => a.name).join(', ')} write${onStdio.length === 1 ? 's' : ''} to the output of clusterctl run, not to files: read it there (docker logs, kubectl logs, journalctl -u)`,
  );
}

export function entryOf(source: LogSource, line: string): LogEntry {
  return { ...parseLogLine(line, source.stamps), app: source.app, stream: source.stream };
}

/** Keeps the lines of `source` that `instance` wrote (every line when null). */
export function keepInstance(instance: number | null, source: Pick<LogSource, 'stamps'>): (line: string) => boolean {
  if (instance === null) return () => true;
  return (line) => parseLogLine(line, source.stamps).instance === instance;
}

export interface SourceTail {
  source: LogSource;
  tail: Tail;
}

export function tailSources(sources: readonly LogSource[], n: number, filter: SourceFilter): SourceTail[] {
  return sources.map((source) => ({ source, tail: tailLog(source.path, n, keepInstance(filter.instance, source)) }));
}

/**
 * Interleaves the tails of several files by time. A line without a time (text
 * format without --time) takes the time of the nearest timed line before it in
 * its file, or its file's modification time, so files written without --time
 * come out as blocks ordered by when they were last written.
 */
export function interleave(tails: readonly SourceTail[]): LogEntry[] {
  const keyed: Array<{ key: number; order: number; entry: LogEntry }> = [];
  let order = 0;
  for (const { source, tail } of tails) {
    let fallback = mtimeOf(source.path);
    const entries = tail.lines.map((l) => entryOf(source, l));
    // Untimed lines before the first timed one sort just before it.
    const firstTimed = entries.find((e) => e.time !== null);
    if (firstTimed && firstTimed.time !== null) fallback = firstTimed.time;
    for (const entry of entries) {
      if (entry.time !== null) fallback = entry.time;
      keyed.push({ key: entry.time ?? fallback, order: order++, entry });
    }
  }
  keyed.sort((a, b) => a.key - b.key || a.order - b.order);
  return keyed.map((k) => k.entry);
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
