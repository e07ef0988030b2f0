// The benchmark's figures are only as good as these few functions: every
// number in bench/results/ is a median, a percentile or a ratio from here.
import {
  alternate,
  alternateBothWays,
  cpuPercent,
  formatNumber,
  formatRatio,
  median,
  percentile,
  percentileOfSorted,
  ratio,
  summarize,
} from '../../bench/lib/stats';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the input order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('is null for no samples and ignores NaN and infinities', () => {
    expect(median([])).toBeNull();
    expect(median([NaN, Infinity])).toBeNull();
    expect(median([NaN, 7, -Infinity])).toBe(7);
  });
  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it('reads p50, p99 and p100 from the samples themselves', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });
  it('gives the minimum at p0 and the one sample for any p', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
  });
  it('rounds the rank up, so p99 of 10 samples is the largest', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
  it('is null for no samples and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });
  it('agrees with percentileOfSorted on sorted input', () => {
    expect(percentileOfSorted(hundred, 99)).toBe(percentile(hundred, 99));
    expect(percentileOfSorted([], 50)).toBeNull();
  });
});

describe('summarize', () => {
  it('gives n, median, min, max and mean', () => {
    expect(summarize([10, 30, 20, 40])).toEqual({ n: 4, median: 25, min: 10, max: 40, mean: 25 });
  });
  it('is all null with n 0 for no samples', () => {
    expect(summarize([])).toEqual({ n: 0, median: null, min: null, max: null, mean: null });
  });
});

describe('ratio', () => {
  it('divides the value by the reference', () => {
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(0, 4)).toBe(0);
  });
  it('is null against a zero reference (no ratio to zero failed requests)', () => {
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
  });
  it('is null when either side is missing or not finite', () => {
    expect(ratio(null, 1)).toBeNull();
    expect(ratio(1, undefined)).toBeNull();
    expect(ratio(NaN, 1)).toBeNull();
    expect(ratio(1, Infinity)).toBeNull();
  });
});

describe('formatting', () => {
  it('writes ratios with two decimals, fewer for large ones, and a dash for none', () => {
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(0.7)).toBe('0.70×');
    expect(formatRatio(12.34)).toBe('12.3×');
    expect(formatRatio(250.4)).toBe('250×');
    expect(formatRatio(null)).toBe('—');
  });
  it('writes numbers with three significant digits below 1000 and whole numbers above', () => {
    expect(formatNumber(49.53)).toBe('49.5');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.012');
    expect(formatNumber(12345.6)).toBe('12346');
    expect(formatNumber(219)).toBe('219');
    expect(formatNumber(null)).toBe('—');
  });
});

describe('alternate', () => {
  it('interleaves engines run by run: A B A B', () => {
    expect(alternate(['A', 'B'], 2)).toEqual([
      { round: 0, engine: 'A' },
      { round: 0, engine: 'B' },
      { round: 1, engine: 'A' },
      { round: 1, engine: 'B' },
    ]);
  });
  it('gives nothing for zero rounds and refuses a negative or fractional count', () => {
    expect(alternate(['A'], 0)).toEqual([]);
    expect(() => alternate(['A'], -1)).toThrow(RangeError);
    expect(() => alternate(['A'], 1.5)).toThrow(RangeError);
  });
});

describe('alternateBothWays', () => {
  it('runs every other round backwards, so no engine always follows the same one', () => {
    const order = alternateBothWays(['A', 'B', 'C'], 3).map((t) => `${t.round}${t.engine}`);
    expect(order).toEqual(['0A', '0B', '0C', '1C', '1B', '1A', '2A', '2B', '2C']);
  });
  it('gives each engine one turn per round and refuses what alternate refuses', () => {
    const turns = alternateBothWays(['A', 'B', 'C', 'D'], 10);
    for (const e of ['A', 'B', 'C', 'D']) expect(turns.filter((t) => t.engine === e)).toHaveLength(10);
    expect(() => alternateBothWays(['A'], -1)).toThrow(RangeError);
  });
});

describe('cpuPercent', () => {
  it('turns clock ticks over a window into percent of one core', () => {
    // 50 ticks at 100 Hz = 0.5 s of CPU in 1 s of wall time.
    expect(cpuPercent(100, 150, 1000, 100)).toBe(50);
  });
  it('is null for an empty window or a counter that went backwards (pid reused)', () => {
    expect(cpuPercent(0, 10, 0, 100)).toBeNull();
    expect(cpuPercent(10, 5, 1000, 100)).toBeNull();
  });
});
