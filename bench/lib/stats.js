'use strict';
/**
 * The figures of the benchmark: summaries of repeated samples, percentiles
 * of latency samples, and ratios between engines. Kept free of I/O so that a
 * unit test can pin down every edge (empty input, a zero reference, even
 * counts) the report depends on.
 */

/**
 * @param {readonly number[]} values
 * @returns {number[]} the finite values, sorted ascending (a new array)
 */
function sortedFinite(values) {
  const out = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  return out.sort((a, b) => a - b);
}

/**
 * Median of the finite values; the mean of the two middle ones for an even count.
 * @param {readonly number[]} values
 * @returns {number | null}
 */
function median(values) {
  const s = sortedFinite(values);
  if (s.length === 0) return null;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Nearest-rank percentile (the value below which p % of the samples fall,
 * taken from the samples themselves, as HdrHistogram and wrk report it).
 * @param {readonly number[]} values
 * @param {number} p 0..100
 * @returns {number | null}
 */
function percentile(values, p) {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const s = sortedFinite(values);
  return percentileOfSorted(s, p);
}

/**
 * Same as percentile() for an array the caller already sorted (latency
 * arrays hold 10^5 samples: sort once, read several percentiles).
 * @param {readonly number[]} sorted
 * @param {number} p
 * @returns {number | null}
 */
function percentileOfSorted(sorted, p) {
  if (sorted.length === 0) return null;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1];
}

/**
 * @typedef {{ n: number, median: number | null, min: number | null, max: number | null, mean: number | null }} Summary
 */

/**
 * @param {readonly number[]} values
 * @returns {Summary}
 */
function summarize(values) {
  const s = sortedFinite(values);
  if (s.length === 0) return { n: 0, median: null, min: null, max: null, mean: null };
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, median: median(s), min: s[0], max: s[s.length - 1], mean: sum / s.length };
}

/**
 * value / reference, or null when it means nothing: a missing side, or a
 * zero reference (a ratio to "0 failed requests" is not a number).
 * @param {number | null | undefined} value
 * @param {number | null | undefined} reference
 * @returns {number | null}
 */
function ratio(value, reference) {
  if (typeof value !== 'number' || typeof reference !== 'number') return null;
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return null;
  return value / reference;
}

/**
 * '1.23×', or '—' when there is no ratio.
 * @param {number | null} r
 * @returns {string}
 */
function formatRatio(r) {
  if (r === null) return '—';
  if (r >= 100) return `${Math.round(r)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  return `${r.toFixed(2)}×`;
}

/**
 * A number with as many digits as it deserves: 3 significant digits below
 * 1000, whole numbers above.
 * @param {number | null} v
 * @returns {string}
 */
function formatNumber(v) {
  if (v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1000 || Number.isInteger(v)) return String(Math.round(v));
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/**
 * The order in which engines take turns: A B A B … for `rounds` rounds, so
 * that drift of a shared machine (other jobs, thermal, page cache) falls on
 * every engine alike instead of on whichever ran last.
 * @template T
 * @param {readonly T[]} engines
 * @param {number} rounds
 * @returns {{ round: number, engine: T }[]}
 */
function alternate(engines, rounds) {
  if (!Number.isInteger(rounds) || rounds < 0)
    throw new RangeError(`rounds must be a whole number >= 0, got ${rounds}`);
  const out = [];
  for (let round = 0; round < rounds; round++) for (const engine of engines) out.push({ round, engine });
  return out;
}

/**
 * Like alternate(), but every other round runs backwards (A B C, C B A, …):
 * with three or more engines a fixed order always puts the same engine
 * right after the same other one, and whatever a run leaves behind (a busy
 * core, a cold cache) falls on its successor alone.
 * @template T
 * @param {readonly T[]} engines
 * @param {number} rounds
 * @returns {{ round: number, engine: T }[]}
 */
function alternateBothWays(engines, rounds) {
  return alternate(engines, rounds).map(({ round }, i) => {
    const at = i % engines.length;
    return { round, engine: engines[round % 2 === 0 ? at : engines.length - 1 - at] };
  });
}

/**
 * CPU use in percent of one core between two readings of a process's
 * utime+stime clock ticks.
 * @param {number} ticksBefore
 * @param {number} ticksAfter
 * @param {number} elapsedMs
 * @param {number} ticksPerSecond usually 100 (getconf CLK_TCK)
 * @returns {number | null}
 */
function cpuPercent(ticksBefore, ticksAfter, elapsedMs, ticksPerSecond) {
  if (!(elapsedMs > 0) || !(ticksPerSecond > 0) || ticksAfter < ticksBefore) return null;
  return ((((ticksAfter - ticksBefore) / ticksPerSecond) * 1000) / elapsedMs) * 100;
}

module.exports = {
  median,
  percentile,
  percentileOfSorted,
  summarize,
  ratio,
  formatRatio,
  formatNumber,
  alternate,
  alternateBothWays,
  cpuPercent,
};
