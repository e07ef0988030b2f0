/**
 * state.json: the daemon's desired state (which apps exist, their specs,
 * whether they should run, and restart counts that survive a stop/start),
 * rewritten atomically on every change. A new daemon reads it to adopt the
 * running app primaries and to start the apps that should run but do not.
 */
import { readFileSync } from 'node:fs';
import { parseAppSpec } from '../protocol/schemas';
import type { AppSpec } from '../protocol/types';
import { writeFileAtomic } from '../os/atomic-file';
import { isRecord } from '../protocol/messages';

export const STATE_VERSION = 1;

export type DesiredState = 'running' | 'stopped';

export interface PersistedApp {
  spec: AppSpec;
  desired: DesiredState;
  /** epoch ms the app was first started */
  createdAt: number;
  /** Restarts of each instance accumulated by app primaries that have since exited. */
  restartOffsets: Record<string, number>;
}

export interface PersistedState {
  version: number;
  apps: PersistedApp[];
}

export interface ReadStateResult {
  state: PersistedState;
  /** Problems found (a corrupt file, an app that failed validation); the rest was kept. */
  warnings: string[];
}

export function readState(path: string): ReadStateResult {
  const empty: PersistedState = { version: STATE_VERSION, apps: [] };
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { state: empty, warnings: code === 'ENOENT' ? [] : [`cannot read ${path}: ${code ?? String(err)}`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return {
      state: empty,
      warnings: [`${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); starting empty`],
    };
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.apps)) {
    return { state: empty, warnings: [`${path} has no "apps" array; starting empty`] };
  }
  const warnings: string[] = [];
  const apps: PersistedApp[] = [];
  for (const item of parsed.apps) {
    if (!isRecord(item)) {
      warnings.push('skipped an app entry that is not an object');
      continue;
    }
    try {
      const spec = parseAppSpec(item.spec);
      const offsets: Record<string, number> = {};
      if (isRecord(item.restartOffsets)) {
        for (const [k, v] of Object.entries(item.restartOffsets))
          if (typeof v === 'number' && Number.isInteger(v)) offsets[k] = v; // negative after `reset`
      }
      apps.push({
        spec,
        desired: item.desired === 'stopped' ? 'stopped' : 'running',
        createdAt: typeof item.createdAt === 'number' ? item.createdAt : Date.now(),
        restartOffsets: offsets,
      });
    } catch (err) {
      warnings.push(`skipped an app entry: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { state: { version: STATE_VERSION, apps }, warnings };
}

export function writeState(path: string, state: PersistedState): void {
  writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n', 0o600);
}
