/**
 * Ending a whole session: a detached process leads its own session, and
 * everything it started (workers, their children) stays in it unless it
 * detached again, so the session id finds what a dead leader left behind.
 */
import { isProcessAlive, processesInSession } from './liveness';

/** SIGKILL to a session leader and everything left in its session. */
export function killSession(sid: number): void {
  const targets = new Set<number>(processesInSession(sid));
  if (isProcessAlive(sid)) targets.add(sid);
  for (const pid of targets) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
