/**
 * The restart policy of an app primary, fed to the same `decideRestart` as
 * a crashed worker. A primary always comes back (its exit code means
 * nothing: the app's own exit codes are the workers'); a primary that lived
 * less than the stable window is an unstable death, and the workers' default
 * crash-loop limit and backoff apply.
 */
import { DEFAULTS } from '../../config/defaults';
import { BACKOFF_RESET_AFTER_MS, backoffDelay } from '../../supervision/backoff';
import type { PolicySpec } from '../../supervision/restart-policy';

export const PRIMARY_POLICY: PolicySpec = Object.freeze({
  autorestart: true,
  stopExitCodes: [],
  minUptime: BACKOFF_RESET_AFTER_MS,
  maxRestarts: DEFAULTS.maxRestarts,
  restartDelay: 0,
  expBackoffRestartDelay: DEFAULTS.expBackoffRestartDelay,
});

/** Delay before reviving a primary for the `attempt`-th time in a row (what PRIMARY_POLICY yields). */
export function primaryBackoff(attempt: number): number {
  return backoffDelay(PRIMARY_POLICY.expBackoffRestartDelay, attempt);
}
