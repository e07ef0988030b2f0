import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bumped when a message changes shape in a way an older peer cannot read. */
export const PROTOCOL_VERSION = 1;

let cached: string | undefined;
/** The package version, read once from package.json next to dist/. */
export function packageVersion(): string {
  if (cached === undefined) {
    const raw: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    cached = typeof raw === 'object' && raw !== null && typeof (raw as { version?: unknown }).version === 'string'
      ? (raw as { version: string }).version
      : '0.0.0';
  }
  return cached;
}
