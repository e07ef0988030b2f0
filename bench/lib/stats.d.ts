// Types of stats.js for the TypeScript unit test (the bench itself is plain CommonJS).
export interface Summary {
  n: number;
  median: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
}
export function median(values: readonly number[]): number | null;
export function percentile(values: readonly number[], p: number): number | null;
export function percentileOfSorted(sorted: readonly number[], p: number): number | null;
export function summarize(values: readonly number[]): Summary;
export function ratio(value: number | null | undefined, reference: number | null | undefined): number | null;
export function formatRatio(r: number | null): string;
export function formatNumber(v: number | null): string;
export function alternate<T>(engines: readonly T[], rounds: number): Array<{ round: number; engine: T }>;
export function alternateBothWays<T>(engines: readonly T[], rounds: number): Array<{ round: number; engine: T }>;
export function cpuPercent(
  ticksBefore: number,
  ticksAfter: number,
  elapsedMs: number,
  ticksPerSecond: number,
): number | null;
