/**
 * The value forms PM2 config files use for sizes, durations and argument
 * lists, turned into the numbers and arrays an AppSpec holds. Each parser
 * returns null for a value it does not accept, so the schema can word the
 * error for the field it belongs to.
 */

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Bytes from a number of bytes or a string such as "300M", "1.5G", "512K", "300MB". */
export function parseByteSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(value.trim());
  if (!m) return null;
  const unit = SIZE_UNITS[(m[2] ?? '').toUpperCase()];
  if (unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from a number of ms or a string such as "500ms", "1s", "2m", "1h", "1500". */
export function parseDurationMs(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (!m) return null;
  const unit = DURATION_UNITS[m[2] ?? ''];
  if (unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

/**
 * Splits a command-line string the way a POSIX shell splits words (spaces
 * separate, single and double quotes group, backslash escapes), without
 * expanding anything. PM2 files write `args: "-a 13 --name 'my app'"`.
 * Returns null when a quote is left open.
 */
export function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text.charAt(i + 1))) current += text.charAt(++i);
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text.charAt(++i);
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== null) return null;
  if (inWord) words.push(current);
  return words;
}
