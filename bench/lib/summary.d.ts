// Types of summary.js for the TypeScript unit test (the bench itself is plain CommonJS).
import type { Summary } from './stats';
export interface Goal {
  ref: 'limit' | 'pm2' | 'value';
  op: '<=' | '>=';
  k: number;
}
export interface Figure {
  label: string;
  scenario: string;
  key: string;
  goals: Goal[];
  guard?: boolean;
}
type Side = 'clusterctl' | 'pm2' | 'limit';
/** A row's sides: the three the summary judges, and 'aa', the A/A control (a second limit). */
type RowSide = Side | 'aa';
export interface RowLike {
  metric: string;
  key: string | null;
  limitLabel: string | null;
  unavailable: Partial<Record<RowSide, string>>;
  summary?: Partial<Record<RowSide, Summary>>;
}
export interface AaSide {
  median: number | null;
  vsLimit: number | null;
}
export interface SummaryLine {
  label: string;
  metric: string | null;
  unavailable: string[];
  guard: boolean;
  cells: Record<Side, string>;
  medians: Record<Side, number | null>;
  limitLabel: string | null;
  ratios: { vsLimit: string; vsPm2: string };
  aa: AaSide | null;
  target: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
  why: string | null;
}
export const FIGURES: Figure[];
export function summaryLines(
  scenarios: Array<{ id: string; rows: RowLike[]; error?: string }>,
  figures?: Figure[],
): SummaryLine[];
export function summaryMarkdown(lines: SummaryLine[]): string;
export function summaryTerminal(lines: SummaryLine[]): string;
export function explanations(lines: SummaryLine[]): string[];
export function goalText(g: Goal): string;
export function aaOf(row: RowLike | undefined, limit: number | null): AaSide | null;
export function noiseNote(missed: Goal[], medians: Record<Side, number | null>, aa: AaSide): string | null;
export function goalHolds(g: Goal, medians: Record<Side, number | null>): boolean | null;
