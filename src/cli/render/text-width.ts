/**
 * Terminal columns a string takes. App names are any text now ("NearBy
 * Server", "日本語 api"): a wide (CJK) character or an emoji takes two
 * columns and a combining accent none, so counting UTF-16 units would
 * misalign a table. ASCII (nearly every cell) is counted directly;
 * anything else goes to string-width, the measure cli-table3 uses, loaded
 * only then (it builds a fresh ANSI regex per call: bench/PROFILE.md §2).
 */

// eslint-disable-next-line no-control-regex -- the SGR colour codes chalk writes
const SGR = /\u001b\[[\d;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let measure: ((text: string) => number) | null = null;

/** Columns `text` takes, colour codes excluded. */
export function textWidth(text: string): number {
  const plain = text.includes('\u001b') ? text.replace(SGR, '') : text;
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be under CommonJS
  measure ??= require('string-width') as (text: string) => number;
  return measure(plain);
}
