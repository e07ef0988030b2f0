/**
 * What one field of an AppSpec excludes in another. The CLI and config
 * files refuse these in their own words (src/config/scheduling.ts); a client
 * speaking the socket API sends a spec directly, so the daemon's schema and
 * the primary's hand checker refuse them too, with the same reason.
 */
import type { AppSpec } from './types';

/** Why sticky routing and scheduling `none` exclude each other, for every refusal of the pair. */
export const STICKY_NEEDS_RR =
  'sticky routing accepts every connection in the app primary, which none takes off the accept path';

/** The field a spec's first conflict is reported on, and why; null when its fields agree. */
export function specConflict(
  spec: Pick<AppSpec, 'sticky' | 'scheduling'>,
): { field: 'scheduling'; why: string } | null {
  if (spec.sticky && spec.scheduling === 'none')
    return {
      field: 'scheduling',
      why: `"none" cannot go with sticky: true: ${STICKY_NEEDS_RR}; send "rr", or sticky: false`,
    };
  return null;
}
