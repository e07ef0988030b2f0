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
  spec: Pick<AppSpec, 'sticky' | 'scheduling' | 'logs'>,
): { field: 'scheduling' | 'logs.dateFormat'; why: string } | null {
  if (spec.sticky && spec.scheduling === 'none')
    return {
      field: 'scheduling',
      why: `"none" cannot go with sticky: true: ${STICKY_NEEDS_RR}; send "rr", or sticky: false`,
    };
  // Without a time on the lines a date format would be accepted and never used.
  if (spec.logs.dateFormat !== null && !spec.logs.time)
    return { field: 'logs.dateFormat', why: 'a date format needs logs.time: true (send both, or dateFormat: null)' };
  return null;
}

/** The longest log date format accepted: a date, not a template. */
export const MAX_DATE_FORMAT_LENGTH = 100;

/** Why `format` cannot be a log date format (PM2's log_date_format, dayjs tokens), or null when it can. */
export function dateFormatProblem(format: string): string | null {
  if (format.trim() === '') return 'must not be empty (leave it out for ISO 8601 times)';
  if (format.length > MAX_DATE_FORMAT_LENGTH) return `must be at most ${MAX_DATE_FORMAT_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- a control character in a format would break the line it starts
  if (/[\x00-\x1f\x7f]/.test(format)) return 'must not contain control characters such as a newline or a tab';
  // "|" ends the instance tag that follows the time: a time holding one could not be read back.
  if (format.includes('|')) return 'must not contain "|" (it ends the instance tag that follows the time)';
  return null;
}
