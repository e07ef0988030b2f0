// The summary table is what a reader of a bench run looks at first: its
// verdicts must follow the targets exactly, including when PM2 is missing or
// the limit is zero.
import {
  FIGURES,
  explanations,
  goalHolds,
  goalText,
  noiseNote,
  summaryLines,
  summaryMarkdown,
} from '../../bench/lib/summary';
import type { Figure, RowLike } from '../../bench/lib/summary';
import { summarize } from '../../bench/lib/stats';

function row(
  key: string,
  values: { clusterctl?: number[]; pm2?: number[]; limit?: number[]; aa?: number[] },
  o: Partial<RowLike> = {},
) {
  const r: RowLike = {
    metric: o.metric ?? key,
    key,
    limitLabel: o.limitLabel ?? null,
    unavailable: o.unavailable ?? {},
    summary: {},
  };
  for (const side of ['clusterctl', 'pm2', 'limit', 'aa'] as const) {
    const v = values[side];
    if (v && r.summary) r.summary[side] = summarize(v);
  }
  return r;
}

const ls: Figure = {
  label: 'ls [ms]',
  scenario: 'cli',
  key: 'ls',
  goals: [
    { ref: 'limit', op: '<=', k: 1.3 },
    { ref: 'pm2', op: '<=', k: 0.5 },
  ],
};

describe('goalHolds', () => {
  it('compares against k times the reference, so a zero reference still judges', () => {
    expect(goalHolds({ ref: 'limit', op: '<=', k: 2 }, { clusterctl: 0, pm2: null, limit: 0 })).toBe(true);
    expect(goalHolds({ ref: 'limit', op: '<=', k: 2 }, { clusterctl: 1, pm2: null, limit: 0 })).toBe(false);
  });
  it('reads ≥ for throughputs and an absolute value for ref "value"', () => {
    expect(goalHolds({ ref: 'pm2', op: '>=', k: 1.2 }, { clusterctl: 120, pm2: 100, limit: null })).toBe(true);
    expect(goalHolds({ ref: 'pm2', op: '>=', k: 1.2 }, { clusterctl: 119, pm2: 100, limit: null })).toBe(false);
    expect(goalHolds({ ref: 'value', op: '<=', k: 0 }, { clusterctl: 0, pm2: null, limit: null })).toBe(true);
    expect(goalHolds({ ref: 'value', op: '<=', k: 0 }, { clusterctl: 3, pm2: null, limit: null })).toBe(false);
  });
  it('cannot judge without the figures it compares', () => {
    expect(goalHolds({ ref: 'pm2', op: '<=', k: 1 }, { clusterctl: 1, pm2: null, limit: 1 })).toBeNull();
    expect(goalHolds({ ref: 'value', op: '<=', k: 0 }, { clusterctl: null, pm2: 1, limit: 1 })).toBeNull();
  });
});

describe('goalText', () => {
  it('spells a target as the table shows it', () => {
    expect(goalText({ ref: 'pm2', op: '<=', k: 1 })).toBe('≤ PM2');
    expect(goalText({ ref: 'limit', op: '>=', k: 1.2 })).toBe('≥ 1.2× limit');
    expect(goalText({ ref: 'value', op: '<=', k: 0 })).toBe('≤ 0');
  });
});

describe('summaryLines', () => {
  it('passes when every goal holds and gives both ratios of the medians', () => {
    const [l] = summaryLines(
      [{ id: 'cli', rows: [row('ls', { clusterctl: [60, 65, 70], pm2: [140], limit: [55] })] }],
      [ls],
    );
    expect(l.verdict).toBe('PASS');
    expect(l.cells).toEqual({ clusterctl: '65', pm2: '140', limit: '55' });
    expect(l.ratios).toEqual({ vsLimit: '1.18×', vsPm2: '0.46×' });
    expect(l.target).toBe('≤ 1.3× limit, ≤ 0.5× PM2');
  });
  it('misses when one goal fails even if the other holds, and says which', () => {
    const [l] = summaryLines([{ id: 'cli', rows: [row('ls', { clusterctl: [100], pm2: [250], limit: [55] })] }], [ls]);
    expect(l.verdict).toBe('MISS');
    expect(l.why).toBe('missed ≤ 1.3× limit');
  });
  it('gives no verdict when PM2 is missing and no goal it can judge fails, and says why PM2 is missing', () => {
    const r = row('ls', { clusterctl: [60], limit: [55] }, { unavailable: { pm2: 'skipped (--no-pm2)' } });
    const [l] = summaryLines([{ id: 'cli', rows: [r] }], [ls]);
    expect(l.verdict).toBe('n/a');
    expect(l.cells.pm2).toBe('not available');
    expect(l.unavailable).toEqual(['PM2: skipped (--no-pm2)']);
  });
  it('still misses without PM2 when a goal against the limit fails', () => {
    const r = row('ls', { clusterctl: [90], limit: [55] }, { unavailable: { pm2: 'registry unreachable' } });
    expect(summaryLines([{ id: 'cli', rows: [r] }], [ls])[0].verdict).toBe('MISS');
  });
  it('says when the scenario was not run (--only) or has no such row', () => {
    expect(summaryLines([], [ls])[0].cells.clusterctl).toBe('scenario not run');
    expect(summaryLines([], [ls])[0].why).toBe('cannot judge ≤ 1.3× limit and ≤ 0.5× PM2: scenario cli was not run');
    expect(summaryLines([{ id: 'cli', rows: [] }], [ls])[0].cells.clusterctl).toBe('no such row');
  });
  it('finds rows by key, not by their label', () => {
    const r = row('ls', { clusterctl: [60], pm2: [200], limit: [50] }, { metric: 'ls, 6 apps × 2 workers' });
    const [l] = summaryLines([{ id: 'cli', rows: [r] }], [{ ...ls, label: 'ls, 50 apps × 2 workers [ms]' }]);
    expect(l.verdict).toBe('PASS');
    expect(l.metric).toBe('ls, 6 apps × 2 workers');
  });
});

describe('FIGURES', () => {
  it('has one figure per scenario and key, each with at least one goal', () => {
    const ids = FIGURES.map((f) => `${f.scenario}/${f.key}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of FIGURES) expect(f.goals.length).toBeGreaterThan(0);
  });
});

describe('summaryMarkdown', () => {
  it('writes one table row per figure, the verdict last, and a count of verdicts', () => {
    const lines = summaryLines(
      [{ id: 'cli', rows: [row('ls', { clusterctl: [100], pm2: [250], limit: [55] })] }],
      [ls],
    );
    const md = summaryMarkdown(lines);
    expect(md).toContain('| ls [ms] | 100 | 250 | 55 | 1.82× | 0.40× | ≤ 1.3× limit, ≤ 0.5× PM2 | MISS |');
    expect(md).toContain('0 PASS, 1 MISS, 0 without a verdict.');
  });
});

describe('explanations', () => {
  const lsAt = (label: string, metric: string) =>
    explanations(
      summaryLines(
        [{ id: 'cli', rows: [row('ls', { clusterctl: [60], pm2: [200], limit: [50] }, { metric })] }],
        [{ ...ls, label }],
      ),
    );
  it('names the row a figure came from when its app count differs from the label (--quick)', () => {
    expect(lsAt('ls, 50 apps × 2 workers [ms]', 'ls, 6 apps × 2 workers')).toEqual([
      'PASS ls, 50 apps × 2 workers [ms]: measured as "ls, 6 apps × 2 workers"',
    ]);
  });
  it('says nothing of a passing figure whose counts agree or whose label has none', () => {
    expect(lsAt('ls, 50 apps × 2 workers [ms]', 'ls, 50 apps × 2 workers')).toEqual([]);
    expect(lsAt('ls [ms]', 'ls, 10 apps running')).toEqual([]);
  });
});

describe('the A/A control', () => {
  const close: Figure = {
    label: 'hello, new connection [req/s]',
    scenario: 'throughput',
    key: 'close',
    goals: [
      { ref: 'limit', op: '>=', k: 1 },
      { ref: 'pm2', op: '>=', k: 1.2 },
    ],
  };
  const lineOf = (values: Parameters<typeof row>[1]) =>
    summaryLines([{ id: 'throughput', rows: [row('close', values, { limitLabel: 'raw' })] }], [close])[0];

  it('keeps the verdict on the medians against the target and prints the A/A ratio next to × limit', () => {
    const l = lineOf({ clusterctl: [97], pm2: [70], limit: [100], aa: [95] });
    expect(l.verdict).toBe('MISS');
    expect(l.aa).toEqual({ median: 95, vsLimit: 0.95 });
    expect(summaryMarkdown([l])).toContain('| 97 | 70 | 100 (raw) | 0.97×, A/A 0.95× | 1.39× |');
  });
  it('says how a miss against the limit compares with the gap between two identical limits', () => {
    expect(lineOf({ clusterctl: [97], pm2: [70], limit: [100], aa: [95] }).why).toBe(
      'missed ≥ limit; ≥ limit is 3 % short, no more than the 5 % between two identical limits in this run (A/A)',
    );
    expect(lineOf({ clusterctl: [90], pm2: [70], limit: [100], aa: [103] }).why).toBe(
      'missed ≥ limit; ≥ limit is 10 % short, more than the 3 % between two identical limits in this run (A/A)',
    );
  });
  it('adds nothing when the miss is against PM2 only or the row ran no control', () => {
    expect(lineOf({ clusterctl: [101], pm2: [100], limit: [100], aa: [95] }).why).toBe('missed ≥ 1.2× PM2');
    const l = lineOf({ clusterctl: [90], pm2: [70], limit: [100] });
    expect(l.aa).toBeNull();
    expect(l.why).toBe('missed ≥ limit');
    expect(summaryMarkdown([l])).toContain('| 0.90× | 1.29× |');
  });
  it('cannot measure a spread without the limit or the control', () => {
    const g = [{ ref: 'limit', op: '>=', k: 1 }] as const;
    expect(noiseNote([...g], { clusterctl: 90, pm2: null, limit: 100 }, { median: null, vsLimit: null })).toBeNull();
    expect(noiseNote([...g], { clusterctl: 90, pm2: null, limit: 0 }, { median: 95, vsLimit: null })).toBeNull();
  });
});
