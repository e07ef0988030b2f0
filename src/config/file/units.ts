/**
 * The value forms PM2 config files use for sizes and durations, turned
 * into the numbers an AppSpec holds. Each parser
 * returns null for a value it does not accept, so the schema can word the
 * error for the field it belongs to.
 */

const SIZE_UNITS: Partial<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Bytes from a number of bytes or a string such as "300M", "1.5G", "512K", "300MB". */
export function parseByteSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(value.trim());
  if (!m) return null;
  // at(): an optional group that did not match is undefined, which m[2]'s type hides.
  const suffix = m.at(2);
  const unit = SIZE_UNITS[(suffix ?? '').toUpperCase()];
  if (unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

const DURATION_UNITS: Partial<Record<string, number>> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from a number of ms or a string such as "500ms", "1s", "2m", "1h", "1500". */
export function parseDurationMs(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (!m) return null;
  const suffix = m.at(2);
  const unit = DURATION_UNITS[suffix ?? ''];
  if (unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}
