/**
 * dump.json: `{ "version": 1, "savedAt": ISO, "apps": AppSpec[] }`, what
 * `save` wrote and `resurrect` starts. Every read is validated against the
 * same schemas the daemon applies to a start request, so a hand-edited or
 * truncated dump is reported, never half-started.
 */
import { readFileSync } from 'node:fs';
import { parseAppSpec } from '../../protocol/schemas';
import type { AppSpec } from '../../protocol/types';
import { isRecord } from '../../protocol/messages';

export const DUMP_VERSION = 1;

export interface DumpFile {
  version: number;
  savedAt: string;
  apps: AppSpec[];
}

export type DumpRead = { ok: true; dump: DumpFile } | { ok: false; reason: 'missing' | 'corrupt'; why: string };

export function backupPath(path: string): string {
  return `${path}.bak`;
}

/** One file, read and validated; never throws. */
export function readDumpFile(path: string): DumpRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', why: 'does not exist' };
    return { ok: false, reason: 'corrupt', why: `cannot be read (${code ?? String(err)})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      reason: 'corrupt',
      why: `is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    };
  }
  if (!isRecord(raw)) return { ok: false, reason: 'corrupt', why: 'is not a JSON object' };
  if (raw.version !== DUMP_VERSION)
    return {
      ok: false,
      reason: 'corrupt',
      why: `has version ${JSON.stringify(raw.version)}, expected ${DUMP_VERSION}`,
    };
  if (typeof raw.savedAt !== 'string' || Number.isNaN(Date.parse(raw.savedAt)))
    return { ok: false, reason: 'corrupt', why: 'has no valid "savedAt" time' };
  if (!Array.isArray(raw.apps)) return { ok: false, reason: 'corrupt', why: 'has no "apps" array' };
  const apps: AppSpec[] = [];
  const seen = new Set<string>();
  for (const [i, item] of raw.apps.entries()) {
    let spec: AppSpec;
    try {
      spec = parseAppSpec(item);
    } catch (err) {
      return { ok: false, reason: 'corrupt', why: `apps[${i}]: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (seen.has(spec.name))
      return { ok: false, reason: 'corrupt', why: `apps[${i}]: app ${spec.name} is listed twice` };
    seen.add(spec.name);
    apps.push(spec);
  }
  return { ok: true, dump: { version: DUMP_VERSION, savedAt: raw.savedAt, apps } };
}
