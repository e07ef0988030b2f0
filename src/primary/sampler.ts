/**
 * CPU and memory of each worker's process tree, read from /proc about once
 * a second. CPU is the share of one core since the previous sample.
 */
import { CLOCK_TICKS_PER_SECOND } from '../os/proc-stat';
import { sampleTree } from '../os/process-tree';

export interface Sample {
  cpu: number;
  memory: number;
  /** Cumulative CPU seconds of the tree: what /metrics exports as a counter. */
  cpuSeconds: number;
}

export class TreeSampler {
  private last = new Map<number, { ticks: number; at: number }>();

  /** `trees`: each worker pid with its descendants, walked once per tick by the caller. */
  sample(trees: Map<number, number[]>): Map<number, Sample> {
    const out = new Map<number, Sample>();
    const next = new Map<number, { ticks: number; at: number }>();
    const now = Date.now();
    for (const [pid, descendants] of trees) {
      const s = sampleTree(pid, descendants);
      if (!s) continue;
      const prev = this.last.get(pid);
      const cpu =
        prev && now > prev.at
          ? Math.max(0, (s.cpuTicks - prev.ticks) / CLOCK_TICKS_PER_SECOND / ((now - prev.at) / 1000)) * 100
          : 0;
      out.set(pid, { cpu: Math.round(cpu * 10) / 10, memory: s.rss, cpuSeconds: s.cpuTicks / CLOCK_TICKS_PER_SECOND });
      next.set(pid, { ticks: s.cpuTicks, at: now });
    }
    this.last = next;
    return out;
  }
}
