'use strict';
/**
 * Rows of figures → summaries and ratios → a terminal table,
 * bench/results/latest.json and bench/results/latest.md.
 */
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { summarize, ratio, formatRatio, formatNumber } = require('./stats');

/**
 * 'aa' is the A/A control: a second, identical limit taking turns with the
 * others, so a row states its own resolution (how far two equal engines
 * differ in this very run).
 * @typedef {'clusterctl' | 'pm2' | 'limit' | 'aa'} Side
 */
const SIDES = /** @type {const} */ (['clusterctl', 'pm2', 'limit', 'aa']);

/**
 * @typedef {Object} Row
 * @property {string} metric
 * @property {string | null} key stable id the summary table finds the row by (the metric text carries counts that --quick changes)
 * @property {string} unit
 * @property {'lower' | 'higher'} better
 * @property {string | null} limitLabel what the limit column is for this row, null when there is none
 * @property {Partial<Record<Side, number[]>>} values
 * @property {Partial<Record<Side, string>>} unavailable why a side has no figure
 * @property {Record<string, unknown>[]} runs per-run details (error breakdowns, pids…)
 * @property {Partial<Record<Side, import('./stats').Summary>>} [summary]
 * @property {{ vsLimit: number | null, vsPm2: number | null, aaVsLimit: number | null }} [ratios] aaVsLimit: the A/A control's median over the limit's
 */

/**
 * @param {string} metric
 * @param {string} unit
 * @param {{ better?: 'lower' | 'higher', limitLabel?: string | null, key?: string }} [o]
 * @returns {Row}
 */
function newRow(metric, unit, o = {}) {
  return {
    metric,
    key: o.key ?? null,
    unit,
    better: o.better ?? 'lower',
    limitLabel: o.limitLabel ?? null,
    values: {},
    unavailable: {},
    runs: [],
  };
}

/** @param {Row} row @param {Side} side @param {number} v */
function push(row, side, v) {
  (row.values[side] ??= []).push(v);
}

/**
 * Say why a side has no figure in these rows; the first reason given for a row stays.
 * @param {Row | Row[]} rows @param {Side} side @param {unknown} err
 */
function markUnavailable(rows, side, err) {
  for (const row of Array.isArray(rows) ? rows : [rows])
    row.unavailable[side] ??= err instanceof Error ? err.message : String(err);
}

/** Medians, min, max per side, clusterctl's ratio to each reference, and the A/A control's to the limit. @param {Row} row */
function finalizeRow(row) {
  row.summary = {};
  for (const side of SIDES)
    if (row.values[side]) row.summary[side] = summarize(/** @type {number[]} */ (row.values[side]));
  const c = row.summary.clusterctl?.median ?? null;
  row.ratios = {
    vsLimit: ratio(c, row.summary.limit?.median ?? null),
    vsPm2: ratio(c, row.summary.pm2?.median ?? null),
    aaVsLimit: ratio(row.summary.aa?.median ?? null, row.summary.limit?.median ?? null),
  };
  return row;
}

/** @param {Row} row @param {Side} side */
function cell(row, side) {
  const s = row.summary?.[side];
  if (row.unavailable[side] && (!s || s.n === 0)) return 'not available';
  if (!s || s.n === 0) return side === 'limit' && !row.limitLabel ? '' : '—';
  if (s.n === 1 || s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}

/** Whether a row has an A/A side at all (figures, or a reason it has none). @param {Row} row */
function hasAa(row) {
  return (row.values.aa?.length ?? 0) > 0 || row.unavailable.aa !== undefined;
}

/**
 * The A/A control's cell: its figures and its ratio to the limit, the
 * resolution of this row's "× limit". Empty for a row without one.
 * @param {Row} row @param {string} sep between the figures and the ratio
 */
function aaCell(row, sep) {
  if (!hasAa(row)) return '';
  const c = cell(row, 'aa');
  const r = row.ratios?.aaVsLimit ?? null;
  return r === null ? c : `${c}${sep}${formatRatio(r)} limit`;
}

/** @param {Row} row */
function label(row) {
  const arrow = row.better === 'higher' ? ', higher is better' : '';
  return `${row.metric} [${row.unit}${arrow}]`;
}

/** @param {Row} row */
function limitCell(row) {
  const c = cell(row, 'limit');
  return row.limitLabel && c !== '' ? `${c}\n${row.limitLabel}` : c;
}

/**
 * @param {{ id: string, title: string, notes: string[], rows: Row[], error?: string, seconds?: number }} scenario
 * @returns {string}
 */
function terminalTable(scenario) {
  const Table = require('cli-table3');
  // The A/A column only where a scenario ran the control: other tables keep their width.
  const aa = scenario.rows.some(hasAa);
  const table = new Table({
    head: ['metric', 'clusterctl', 'PM2', 'limit', ...(aa ? [AA_HEAD] : []), '× limit', '× PM2'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [34, 22, 22, 22, ...(aa ? [22] : []), 9, 9],
  });
  for (const row of scenario.rows) {
    table.push([
      label(row),
      cell(row, 'clusterctl'),
      cell(row, 'pm2'),
      limitCell(row),
      ...(aa ? [aaCell(row, '\n')] : []),
      formatRatio(row.ratios?.vsLimit ?? null),
      formatRatio(row.ratios?.vsPm2 ?? null),
    ]);
  }
  const lines = [`\n${scenario.title}${scenario.seconds ? ` (${scenario.seconds.toFixed(0)} s)` : ''}`];
  if (scenario.error) lines.push(`  scenario failed: ${scenario.error}`);
  if (scenario.rows.length) lines.push(table.toString());
  for (const n of scenario.notes) lines.push(`  note: ${n}`);
  for (const n of unavailableNotes(scenario.rows)) lines.push(`  ${n}`);
  return lines.join('\n');
}

const AA_HEAD = 'limit again (A/A)';

/**
 * One line per side and reason, naming the rows it concerns: a skipped PM2
 * is one line, not one per row.
 * @param {Row[]} rows
 * @returns {string[]}
 */
function unavailableNotes(rows) {
  /** @type {Map<string, string[]>} */
  const byReason = new Map();
  for (const row of rows) {
    for (const side of SIDES) {
      const why = row.unavailable[side];
      if (!why) continue;
      const key = `${side}\u0000${why}`;
      byReason.set(key, [...(byReason.get(key) ?? []), row.metric]);
    }
  }
  return [...byReason].map(([key, metrics]) => {
    const [side, why] = key.split('\u0000');
    const which = metrics.length === rows.length ? 'every row' : metrics.join('; ');
    return `${side === 'aa' ? 'A/A control' : side} not available (${which}): ${why}`;
  });
}

/** @param {string} s */
function mdEscape(s) {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * @param {Record<string, unknown> & { scenarios: Array<{ id: string, title: string, notes: string[], rows: Row[], error?: string }> }} report
 * @param {{ machine: Record<string, unknown>, versions: Record<string, unknown>, date: string, mode: string, command: string, loadGenerator: string }} meta
 */
function markdown(report, meta) {
  const m = /** @type {Record<string, string | number>} */ (meta.machine);
  const v = /** @type {Record<string, string>} */ (meta.versions);
  const out = [];
  out.push(`# clusterctl benchmark (${meta.mode})`, '');
  out.push(`- Date: ${meta.date}`);
  out.push(
    `- Machine: ${m.cpu}, ${m.cores} cores (${m.cpusUsable} usable), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`,
  );
  out.push(
    `- Compared: clusterctl ${v.clusterctl}; PM2 ${v.pm2}; limits: a raw \`node:cluster\` primary, \`node -e 0\`, a process writing straight to a file`,
  );
  out.push(`- Load: ${meta.loadGenerator}`);
  const la = (v) => (Array.isArray(v) ? v.join(', ') : '?');
  out.push(
    `- Machine load average (1, 5, 15 min) at start: ${la(m.loadAverageAtStart)}; at end: ${la(report.loadAverageAtEnd)}`,
  );
  out.push(`- Reproduce: \`${meta.command}\``);
  out.push('');
  if (Array.isArray(report.summary)) {
    out.push('## Summary: targets', '');
    out.push(require('./summary').summaryMarkdown(report.summary), '');
  }
  out.push(
    'Each cell is the median, then (min–max) over the runs; engines took turns run by run. "× limit" and "× PM2" are clusterctl\'s median divided by that column\'s median (below 1 is faster or smaller for a time or a size, slower for a throughput). Where a table has a "limit again (A/A)" column, a second, identical limit took turns with the others: its ratio to the limit is how far two equal engines differed in that run, the resolution of the row\'s "× limit".',
  );
  for (const s of report.scenarios) {
    out.push('', `## ${s.title}`, '');
    if (s.error) out.push(`Scenario failed: ${s.error}`, '');
    if (s.rows.length) out.push(...markdownTable(s.rows));
    const notes = [...s.notes, ...unavailableNotes(s.rows)];
    if (notes.length) {
      out.push('');
      for (const n of notes) out.push(`- ${mdEscape(n)}`);
    }
  }
  out.push('');
  return out.join('\n');
}

/**
 * One scenario's rows as a markdown table, with the A/A column when a row has one.
 * @param {Row[]} rows
 * @returns {string[]}
 */
function markdownTable(rows) {
  const aa = rows.some(hasAa);
  const head = ['metric', 'clusterctl', 'PM2', 'limit', ...(aa ? [AA_HEAD] : []), '× limit', '× PM2'];
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const lim = cell(row, 'limit');
    const cells = [
      label(row),
      cell(row, 'clusterctl'),
      cell(row, 'pm2'),
      lim && row.limitLabel ? `${lim} (${row.limitLabel})` : lim,
      ...(aa ? [aaCell(row, ', ')] : []),
      formatRatio(row.ratios?.vsLimit ?? null),
      formatRatio(row.ratios?.vsPm2 ?? null),
    ];
    out.push(`| ${cells.map(mdEscape).join(' | ')} |`);
  }
  return out;
}

/**
 * @param {string} dir
 * @param {Record<string, unknown> & { scenarios: any[] }} report
 * @param {Parameters<typeof markdown>[1]} meta
 * @param {string} stem 'latest', or 'quick' for a smoke run
 */
function writeResults(dir, report, meta, stem) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${stem}.json`), JSON.stringify({ ...meta, ...report }, null, 2) + '\n');
  writeFileSync(join(dir, `${stem}.md`), markdown(report, meta));
}

module.exports = { newRow, push, markUnavailable, finalizeRow, terminalTable, markdownTable, markdown, writeResults };
