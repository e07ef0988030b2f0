/**
 * Naming and shifting of rotated log files, shared by the app primary (its
 * apps' logs) and the daemon (daemon.log) so both rotate by the same rules:
 * `x.log` → `x.log.1` → `x.log.2` … up to `retain` files, each optionally
 * gzipped to `x.log.N.gz`. `clusterctl logs` and `flush` use the same names.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, unlinkSync } from 'node:fs';

export function rotatedPath(path: string, n: number, compressed: boolean): string {
  return compressed ? `${path}.${n}.gz` : `${path}.${n}`;
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Moves `path` to `path.1` after shifting `.1`→`.2` … and dropping what would
 * go past `retain`. With `retain` 0 the current file is removed outright.
 * Renames only (no copy), so it is cheap enough to run synchronously; the
 * caller must have closed or be about to reopen `path`.
 */
export function shiftRotated(path: string, retain: number): void {
  // A rotated file that exists both plain and gzipped is a compression cut
  // short after its rename; the .gz is complete (it is renamed into place
  // only when whole), so the plain copy is the one to drop.
  for (let n = 1; n <= retain + 1; n++) {
    if (existsSync(rotatedPath(path, n, true))) unlinkIfPresent(rotatedPath(path, n, false));
  }
  unlinkIfPresent(rotatedPath(path, retain + 1, false));
  unlinkIfPresent(rotatedPath(path, retain + 1, true));
  if (retain === 0) {
    unlinkIfPresent(path);
    return;
  }
  unlinkIfPresent(rotatedPath(path, retain, false));
  unlinkIfPresent(rotatedPath(path, retain, true));
  for (let n = retain - 1; n >= 1; n--) {
    renameIfPresent(rotatedPath(path, n, false), rotatedPath(path, n + 1, false));
    renameIfPresent(rotatedPath(path, n, true), rotatedPath(path, n + 1, true));
  }
  renameIfPresent(path, rotatedPath(path, 1, false));
}

/** Every rotated file of `path` that exists, newest first (`.1`, `.1.gz`, `.2` …), up to `max`. */
export function existingRotated(path: string, max = 1000): string[] {
  const out: string[] = [];
  for (let n = 1; n <= max; n++) {
    const plain = rotatedPath(path, n, false);
    const gz = rotatedPath(path, n, true);
    const hasPlain = existsSync(plain);
    const hasGz = existsSync(gz);
    if (!hasPlain && !hasGz) break;
    if (hasGz) out.push(gz);
    else out.push(plain);
  }
  return out;
}

/** Removes every rotated file of `path` (`flush`). */
export function removeRotated(path: string, max = 1000): void {
  for (let n = 1; n <= max; n++) {
    const plain = rotatedPath(path, n, false);
    const gz = rotatedPath(path, n, true);
    if (!existsSync(plain) && !existsSync(gz)) break;
    unlinkIfPresent(plain);
    unlinkIfPresent(gz);
  }
}

/**
 * gzips `path.1` into `path.1.gz` and removes the plain file. Streams through
 * zlib on the thread pool, so the caller's event loop stays free; the result
 * appears under its final name only once complete.
 */
export async function compressRotated(path: string): Promise<void> {
  const plain = rotatedPath(path, 1, false);
  const gz = rotatedPath(path, 1, true);
  const tmp = `${gz}.tmp`;
  // Loaded here: the CLI imports this file for the names only, and should not pay for zlib at start-up.
  const { pipeline } = await import('node:stream/promises');
  const { createGzip } = await import('node:zlib');
  await pipeline(createReadStream(plain), createGzip(), createWriteStream(tmp, { mode: 0o600 }));
  renameSync(tmp, gz);
  unlinkIfPresent(plain);
}
