// A scenario's table states its own resolution where it ran the A/A control
// (a second, identical limit): that column, with its ratio to the limit,
// appears only in those tables, and a row without the control leaves it empty.
import { finalizeRow, markUnavailable, markdownTable, newRow, push, terminalTable } from '../../bench/lib/report';
import type { Row, Side } from '../../bench/lib/report';

function rps(values: Partial<Record<Side, number[]>>): Row {
  const row = newRow('hello, new connection: throughput', 'req/s', {
    better: 'higher',
    limitLabel: 'raw node:cluster',
  });
  for (const [side, vs] of Object.entries(values) as Array<[Side, number[]]>) for (const v of vs) push(row, side, v);
  return finalizeRow(row);
}

describe('finalizeRow', () => {
  it("gives the A/A control's median over the limit's next to clusterctl's ratios", () => {
    const row = rps({ clusterctl: [90, 100, 110], pm2: [80], limit: [100, 100, 104], aa: [95, 105, 110] });
    expect(row.summary?.aa?.median).toBe(105);
    expect(row.ratios).toEqual({ vsLimit: 1, vsPm2: 1.25, aaVsLimit: 1.05 });
  });
  it('has no A/A ratio for a row that ran no control', () => {
    expect(rps({ clusterctl: [90], limit: [100] }).ratios?.aaVsLimit).toBeNull();
  });
});

describe('markdownTable', () => {
  it('adds the A/A column with its ratio to the limit, empty in the rows without a control', () => {
    const md = markdownTable([
      rps({ clusterctl: [90], limit: [100] }),
      rps({ clusterctl: [90], limit: [100], aa: [95] }),
    ]);
    expect(md[0]).toBe('| metric | clusterctl | PM2 | limit | limit again (A/A) | × limit | × PM2 |');
    expect(md[2]).toContain('| 100 (raw node:cluster) |  | 0.90× | — |');
    expect(md[3]).toContain('| 100 (raw node:cluster) | 95, 0.95× limit | 0.90× | — |');
  });
  it('keeps the old six columns when no row ran a control', () => {
    expect(markdownTable([rps({ clusterctl: [90], limit: [100] })])[0]).toBe(
      '| metric | clusterctl | PM2 | limit | × limit | × PM2 |',
    );
  });
  it('says why the control has no figure when it could not start', () => {
    const row = newRow('m', 'req/s', { limitLabel: 'raw node:cluster' });
    push(row, 'limit', 100);
    markUnavailable(row, 'aa', new Error('EADDRINUSE'));
    expect(markdownTable([finalizeRow(row)])[2]).toContain('| 100 (raw node:cluster) | not available |');
  });
});

describe('terminalTable', () => {
  const scenario = (rows: Row[]) => ({ id: 't', title: 'T', notes: [], rows });
  it('has the A/A column only where a row ran the control, and names an unavailable control', () => {
    expect(terminalTable(scenario([rps({ clusterctl: [90], limit: [100] })]))).not.toContain('A/A');
    const row = newRow('m', 'req/s', { limitLabel: 'raw node:cluster' });
    push(row, 'limit', 100);
    markUnavailable(row, 'aa', 'not started');
    const text = terminalTable(scenario([finalizeRow(row), rps({ clusterctl: [90], limit: [100], aa: [97] })]));
    expect(text).toContain('limit again (A/A)');
    expect(text).toContain('0.97× limit');
    expect(text).toContain('A/A control not available (m): not started');
  });
});
