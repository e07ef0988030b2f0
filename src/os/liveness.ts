/**
 * Whether a process is still running, as every side needs to know it. PID 1
 * on the machines we target does not reap orphans, so a dead orphan stays a
 * zombie and `kill -0` still succeeds on it: read the state from /proc and
 * count Z (zombie) and X (dead) as gone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readStat } from './proc-stat';

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // No /proc entry (or no /proc at all): fall back to a signal probe.
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const m = /^State:\s+(\S)/m.exec(status);
  return m !== null && m[1] !== 'Z' && m[1] !== 'X';
}

/** Session id of a process (field 6 of /proc/PID/stat), or null when it is gone. */
export function sessionOf(pid: number): number | null {
  const stat = readStat(pid);
  return stat && Number.isInteger(stat.session) ? stat.session : null;
}

/** Live processes whose session id is `sid` (a detached process's pid is its session id). */
export function processesInSession(sid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (sessionOf(pid) === sid && isProcessAlive(pid)) out.push(pid);
  }
  return out;
}

/** Resolves true once `pid` is gone, false if it still runs at the deadline. */
export async function waitForExit(pid: number, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return true;
}
