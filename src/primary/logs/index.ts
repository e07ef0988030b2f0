/**
 * Log capture in the app primary: every worker's piped stdout and stderr are
 * cut into whole lines, tagged with the worker's instance, and appended to
 * the app's out and err files (rotated in place), and to the combined log
 * when one is set, in the order they are read. The daemon never sees a log
 * byte, so a flooding app cannot slow `clusterctl ls`.
 *
 * No line is dropped to keep up: when a file's write queue is full the pipes
 * that feed it are paused, they fill, and the workers' own writes wait.
 */
import type { Readable } from 'node:stream';
import { createLineFormatter, stampOf, type LineFormatter, type LogStream } from '../../logfile/line';
import type { LogSpec } from '../../protocol/types';
import { LineSplitter } from './line-splitter';
import type { LogSink } from './sink';
import { combinedSink, distinctSinks, openSinks, rotationOf, streamSink, type SinkSet } from './sink-set';
import { StderrRing } from './stderr-ring';
import { isStdio } from './stdio-sink';

export interface LogCapture {
  /** Attach one worker process's piped stdout/stderr. Lines are written whole, tagged with `instance`. Safe to call for many workers at once and for replacements of the same instance. */
  attach(instance: number, pid: number, stdout: Readable | null, stderr: Readable | null): void;
  /** Resolves once every byte read so far from every attached stream is on disk (used before reporting a crash and before the primary exits). */
  flush(): Promise<void>;
  /**
   * Resolves once the worker's streams have ended (or after `timeoutMs`, when
   * a descendant of the worker keeps its pipe open) and every line they
   * carried, including an unterminated last one, is on disk. Call it after a
   * worker's 'exit' and before recording a crash: 'exit' can arrive before
   * the last bytes of its pipes have been read.
   */
  settle(pid: number, timeoutMs?: number): Promise<void>;
  /** Empty the current files (the `flush` command). */
  truncate(): Promise<void>;
  /** Close and reopen the files by path (for an external logrotate: `reload-logs`). */
  reopen(): Promise<void>;
  /** Apply a new LogSpec (paths, time, format, size, retain, compress) after a reload/restart with a changed spec. */
  update(spec: LogSpec): Promise<void>;
  /** Last `n` stderr lines (raw text, untagged) of the given worker pid — the primary uses this to explain why a worker failed to start. Keep a small ring buffer per pid (forget pids some time after their streams end). */
  recentStderr(pid: number, n: number): string[];
  /** Flush and close everything. */
  close(): Promise<void>;
}

interface Source {
  instance: number;
  pid: number;
  kind: LogStream;
  stream: Readable;
  splitter: LineSplitter;
  formatter: LineFormatter;
  /** For the combined log when its lines take another shape (a file beside run's stdout), else null: same text. */
  combinedFormatter: LineFormatter | null;
  pausedByUs: boolean;
  ended: Promise<void>;
}

const DEFAULT_SETTLE_MS = 2000;

export function createLogCapture(app: string, spec: LogSpec, onError: (err: Error) => void): LogCapture {
  return new Capture(app, spec, onError);
}

class Capture implements LogCapture {
  private current: LogSpec;
  private sinks: SinkSet;
  /** Sinks whose write queue is full: every source that feeds one stays paused. */
  private readonly pressured = new Set<LogSink>();
  private readonly sources = new Set<Source>();
  private readonly ring = new StderrRing();
  /** Sinks replaced by update(), still draining what was queued before. */
  private readonly retiring = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly app: string,
    spec: LogSpec,
    private readonly onError: (err: Error) => void,
  ) {
    this.current = { ...spec };
    this.sinks = openSinks(this.current, new Map(), onError);
    this.wirePressure();
  }

  attach(instance: number, pid: number, stdout: Readable | null, stderr: Readable | null): void {
    if (this.closed) return;
    this.ring.hold(pid);
    if (stdout) this.addSource(instance, pid, 'out', stdout);
    if (stderr) this.addSource(instance, pid, 'err', stderr);
  }

  async flush(): Promise<void> {
    await Promise.all(this.currentSinks().map((s) => s.flush()));
    await Promise.all([...this.retiring]);
  }

  async settle(pid: number, timeoutMs = DEFAULT_SETTLE_MS): Promise<void> {
    const pending = [...this.sources].filter((s) => s.pid === pid).map((s) => s.ended);
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([Promise.all(pending), timeout]);
      if (timer) clearTimeout(timer);
    }
    await this.flush();
  }

  async truncate(): Promise<void> {
    await Promise.all(this.currentSinks().map((s) => s.truncate()));
  }

  async reopen(): Promise<void> {
    await Promise.all(this.currentSinks().map((s) => s.reopen()));
  }

  async update(next: LogSpec): Promise<void> {
    if (this.closed) return;
    const old = this.sinks;
    this.current = { ...next };
    const reusable = new Map<string, LogSink>();
    for (const s of distinctSinks(old)) reusable.set(s.path, s);
    this.sinks = openSinks(this.current, reusable, this.onError);
    const kept = new Set(distinctSinks(this.sinks));
    for (const s of reusable.values()) {
      if (kept.has(s)) continue;
      s.onPressure = null;
      // A source paused by a sink that was just retired has nobody left to resume it.
      this.pressured.delete(s);
      const p: Promise<void> = s.close().finally(() => this.retiring.delete(p));
      this.retiring.add(p);
    }
    for (const s of this.sources) Object.assign(s, this.formattersFor(s.instance, s.kind));
    this.wirePressure();
    this.applyPressure();
    await Promise.all([...kept].map((s) => s.configure(rotationOf(this.current))));
  }

  recentStderr(pid: number, n: number): string[] {
    return this.ring.recent(pid, n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Workers are gone by now; anything still attached gets its last partial line written.
    for (const s of [...this.sources]) {
      const rest = s.splitter.end();
      if (rest !== null) this.write(s, [rest]);
      s.stream.removeAllListeners('data');
      this.sources.delete(s);
    }
    await this.flush();
    await Promise.all(this.currentSinks().map((s) => s.close()));
    this.ring.clear();
  }

  /** The open sinks, each once: out, err and the combined log may share files. */
  private currentSinks(): LogSink[] {
    return distinctSinks(this.sinks);
  }

  private wirePressure(): void {
    for (const sink of this.currentSinks()) {
      sink.onPressure = (paused) => {
        if (paused) this.pressured.add(sink);
        else this.pressured.delete(sink);
        this.applyPressure();
      };
    }
  }

  /** A source runs only while none of the sinks it feeds (its stream's, the combined log) is full. */
  private applyPressure(): void {
    for (const s of this.sources) {
      const combined = combinedSink(this.sinks, s.kind);
      const full =
        this.pressured.has(streamSink(this.sinks, s.kind)) || (combined !== null && this.pressured.has(combined));
      if (full && !s.pausedByUs) {
        s.pausedByUs = true;
        s.stream.pause();
      } else if (!full && s.pausedByUs) {
        s.pausedByUs = false;
        s.stream.resume();
      }
    }
  }

  private write(s: Source, lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (s.kind === 'err') this.ring.push(s.pid, lines);
    const now = new Date();
    const text = s.formatter.format(lines, now);
    let accepted = streamSink(this.sinks, s.kind).write(text);
    const combined = combinedSink(this.sinks, s.kind);
    if (combined !== null) {
      const combinedText = s.combinedFormatter === null ? text : s.combinedFormatter.format(lines, now);
      accepted = combined.write(combinedText) && accepted;
    }
    if (!accepted && !s.pausedByUs) {
      s.pausedByUs = true;
      s.stream.pause();
    }
  }

  private formatterFor(instance: number, kind: LogStream, sink: LogSink): LineFormatter {
    return createLineFormatter(this.app, instance, kind, this.current.format, stampOf(this.current), isStdio(sink));
  }

  /** The stream's formatter, and the combined log's when its lines must look different (see Source). */
  private formattersFor(instance: number, kind: LogStream): Pick<Source, 'formatter' | 'combinedFormatter'> {
    const own = streamSink(this.sinks, kind);
    const combined = combinedSink(this.sinks, kind);
    return {
      formatter: this.formatterFor(instance, kind, own),
      combinedFormatter:
        combined === null || isStdio(combined) === isStdio(own) ? null : this.formatterFor(instance, kind, combined),
    };
  }

  private addSource(instance: number, pid: number, kind: LogStream, stream: Readable): void {
    let finish: () => void = () => undefined;
    const source: Source = {
      instance,
      pid,
      kind,
      stream,
      splitter: new LineSplitter(),
      ...this.formattersFor(instance, kind),
      pausedByUs: false,
      ended: new Promise<void>((resolve) => (finish = resolve)),
    };
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      const rest = source.splitter.end();
      if (rest !== null) this.write(source, [rest]);
      this.sources.delete(source);
      if (![...this.sources].some((s) => s.pid === pid)) this.ring.release(pid);
      finish();
    };
    stream.on('data', (chunk: Buffer | string) => {
      this.write(source, source.splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    });
    stream.once('end', end);
    stream.once('close', end);
    stream.on('error', (err: Error) => {
      this.onError(new Error(`reading ${kind} of worker ${pid}: ${err.message}`));
      end();
    });
    this.sources.add(source);
  }
}
