/**
 * Where one stream of an app's log lines goes: a rotated file (LogFile), or
 * nowhere (`/dev/null`).
 */
export interface RotationOptions {
  maxSize: number;
  retain: number;
  compress: boolean;
}

export interface LogSink {
  readonly path: string;
  /** Queues whole lines; returns false when the caller should pause its sources until 'pressure' clears. */
  write(text: string): boolean;
  /** Resolves once everything queued before the call is written. */
  flush(): Promise<void>;
  truncate(): Promise<void>;
  reopen(): Promise<void>;
  configure(opts: RotationOptions): Promise<void>;
  close(): Promise<void>;
  /** Called with true when sources should pause, false when they may resume. */
  onPressure: ((paused: boolean) => void) | null;
}

/** `/dev/null` as a sink: nothing to open, rotate or truncate. */
export class NullSink implements LogSink {
  onPressure: ((paused: boolean) => void) | null = null;
  constructor(readonly path: string) {}
  write(): boolean {
    return true;
  }
  async flush(): Promise<void> {}
  async truncate(): Promise<void> {}
  async reopen(): Promise<void> {}
  async configure(): Promise<void> {}
  async close(): Promise<void> {}
}
