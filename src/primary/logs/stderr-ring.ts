/**
 * The last few stderr lines of each worker pid, kept in memory so the
 * primary can say why a worker failed to start without reading the log file
 * back (which may be /dev/null, JSON, or already rotated).
 */
export const RING_LINES = 50;
/** How long a pid's lines are kept after its streams end: long enough for the primary to report the failure. */
export const FORGET_AFTER_MS = 60_000;

export class StderrRing {
  private readonly rings = new Map<number, string[]>();
  private readonly timers = new Map<number, NodeJS.Timeout>();

  push(pid: number, lines: readonly string[]): void {
    let ring = this.rings.get(pid);
    if (!ring) {
      ring = [];
      this.rings.set(pid, ring);
    }
    for (const l of lines) ring.push(l);
    if (ring.length > RING_LINES) ring.splice(0, ring.length - RING_LINES);
  }

  recent(pid: number, n: number): string[] {
    const ring = this.rings.get(pid);
    if (!ring || n <= 0) return [];
    return ring.slice(-n);
  }

  /** The pid's streams are done: drop its lines after a while. */
  release(pid: number): void {
    const prev = this.timers.get(pid);
    if (prev) clearTimeout(prev);
    const t = setTimeout(() => {
      this.rings.delete(pid);
      this.timers.delete(pid);
    }, FORGET_AFTER_MS);
    t.unref();
    this.timers.set(pid, t);
  }

  /** A pid is attached (again): cancel a pending release. */
  hold(pid: number): void {
    const prev = this.timers.get(pid);
    if (prev) clearTimeout(prev);
    this.timers.delete(pid);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.rings.clear();
  }
}
