// Types of report.js for the TypeScript unit test (the bench itself is plain CommonJS).
import type { Summary } from './stats';
export type Side = 'clusterctl' | 'pm2' | 'limit' | 'aa';
export interface Row {
  metric: string;
  key: string | null;
  unit: string;
  better: 'lower' | 'higher';
  limitLabel: string | null;
  values: Partial<Record<Side, number[]>>;
  unavailable: Partial<Record<Side, string>>;
  runs: Record<string, unknown>[];
  summary?: Partial<Record<Side, Summary>>;
  ratios?: { vsLimit: number | null; vsPm2: number | null; aaVsLimit: number | null };
}
export function newRow(
  metric: string,
  unit: string,
  o?: { better?: 'lower' | 'higher'; limitLabel?: string | null; key?: string },
): Row;
export function push(row: Row, side: Side, v: number): void;
export function markUnavailable(rows: Row | Row[], side: Side, err: unknown): void;
export function finalizeRow(row: Row): Row;
export function terminalTable(scenario: {
  id: string;
  title: string;
  notes: string[];
  rows: Row[];
  error?: string;
  seconds?: number;
}): string;
export function markdownTable(rows: Row[]): string[];
