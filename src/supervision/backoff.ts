/**
 * The one exponential backoff: between crash restarts of a worker (the app
 * primary) and between revivals of a dead app primary (the daemon).
 */

/** The delay grows by this factor per restart… */
export const BACKOFF_FACTOR = 1.5;
/** …up to this… */
export const BACKOFF_CAP_MS = 15000;
/** …and starts over once the process has stayed up this long. */
export const BACKOFF_RESET_AFTER_MS = 30000;

/** Delay before restart number `step` (0-based) when the first delay is `firstMs`. */
export function backoffDelay(firstMs: number, step: number): number {
  return Math.min(BACKOFF_CAP_MS, Math.round(firstMs * BACKOFF_FACTOR ** step));
}
