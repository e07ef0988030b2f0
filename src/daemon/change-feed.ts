/**
 * The daemon's change feed: whoever wants to follow the apps (a `watch`
 * call, the web endpoint) subscribes, and every change of an app's phase, of
 * what its primary pushed, or of the set of apps calls `notify()`. A burst of
 * changes in one tick (a transition, a status and a persist together) is
 * coalesced into one event, built once and shared by every listener.
 */
import type { AppInfo } from '../protocol/types';

export type ChangeListener = (apps: AppInfo[]) => void;

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private pending: NodeJS.Immediate | null = null;

  /** `snapshot` builds what the listeners get: every app, as `list` answers. */
  constructor(
    private readonly snapshot: () => AppInfo[],
    private readonly onListenerError: (err: unknown) => void = () => undefined,
  ) {}

  /** Adds a listener; the function returned removes it (calling it twice is harmless). */
  subscribe(listener: ChangeListener): () => void {
    // Wrapped, so the same function subscribed twice is two subscriptions.
    const own: ChangeListener = (apps) => listener(apps);
    this.listeners.add(own);
    return () => {
      this.listeners.delete(own);
    };
  }

  /** Something changed: the listeners hear of it once, after the current tick. */
  notify(): void {
    if (this.pending !== null || this.listeners.size === 0) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      if (this.listeners.size === 0) return;
      const apps = this.snapshot();
      for (const listener of [...this.listeners]) {
        try {
          listener(apps);
        } catch (err) {
          // One broken listener must not keep the others from hearing.
          this.onListenerError(err);
        }
      }
    });
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Drops every listener and any event not yet sent (daemon shutdown). */
  close(): void {
    if (this.pending !== null) clearImmediate(this.pending);
    this.pending = null;
    this.listeners.clear();
  }
}
