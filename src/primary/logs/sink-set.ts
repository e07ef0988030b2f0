/**
 * The sinks one LogSpec names: the out and err logs and, when set, the
 * combined log (PM2's `log_file`: every line of both streams). One sink per
 * distinct path, so `--out x --err x` share a file, and so its size and
 * rotation, and a line is never written twice to one file.
 */
import { DEV_NULL_PATH, STDERR_PATH, STDOUT_PATH, type LogStream } from '../../logfile/line';
import type { LogSpec } from '../../protocol/types';
import { LogFile } from './log-file';
import { NullSink, type LogSink, type RotationOptions } from './sink';
import { StdioSink } from './stdio-sink';

export interface SinkSet {
  out: LogSink;
  err: LogSink;
  combined: LogSink | null;
}

export function rotationOf(spec: LogSpec): RotationOptions {
  return { maxSize: spec.maxSize, retain: spec.retain, compress: spec.compress };
}

/** Opens the sinks of `spec`, taking a sink from `reusable` when its path is already open there. */
export function openSinks(spec: LogSpec, reusable: Map<string, LogSink>, onError: (err: Error) => void): SinkSet {
  const make = (path: string): LogSink => {
    const existing = reusable.get(path);
    if (existing) return existing;
    const sink =
      path === DEV_NULL_PATH
        ? new NullSink(path)
        : path === STDOUT_PATH
          ? new StdioSink(path, process.stdout)
          : path === STDERR_PATH
            ? new StdioSink(path, process.stderr)
            : new LogFile(path, rotationOf(spec), onError);
    reusable.set(path, sink);
    return sink;
  };
  const out = make(spec.out);
  const err = make(spec.err);
  const combined = spec.combined === null ? null : make(spec.combined);
  return { out, err, combined };
}

/** Every open sink once. */
export function distinctSinks(set: SinkSet): LogSink[] {
  return [...new Set(set.combined === null ? [set.out, set.err] : [set.out, set.err, set.combined])];
}

/** The stream's own sink. */
export function streamSink(set: SinkSet, kind: LogStream): LogSink {
  return kind === 'out' ? set.out : set.err;
}

/** The combined log a line of `kind` also goes to, or null: none, or it is that stream's own file already. */
export function combinedSink(set: SinkSet, kind: LogStream): LogSink | null {
  return set.combined === null || set.combined === streamSink(set, kind) ? null : set.combined;
}
