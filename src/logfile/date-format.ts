/**
 * PM2's `log_date_format` (`--log-date-format`): the time of a text log line
 * written with dayjs's format tokens (`YYYY-MM-DD HH:mm:ss Z`). PM2 formats
 * with dayjs too, so a format taken from a PM2 ecosystem file gives the same
 * text. The time is local to the process that writes the line (the app
 * primary, as it is PM2's daemon there), so set `TZ` for the daemon to pick a
 * zone. dayjs is loaded on first use: an app without a date format never
 * loads it.
 *
 * A line written with a date format is `<stamp> <instance>|<message>`. The
 * stamp's spaces come only from the format's literal text (no dayjs token
 * prints a space in the default locale), so the reader knows where the stamp
 * ends: after as many spaces as the format prints.
 */
import type { Dayjs } from 'dayjs';

type DayjsFn = typeof import('dayjs');
let dayjsFn: DayjsFn | null = null;
let parsing = false;

function dayjs(withParsing = false): DayjsFn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: only apps with a date format need it
  dayjsFn ??= require('dayjs') as DayjsFn;
  if (withParsing && !parsing) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above, and only the reader parses
    dayjsFn.extend(require('dayjs/plugin/customParseFormat') as import('dayjs').PluginFunc);
    parsing = true;
  }
  return dayjsFn;
}

/** Formats a time with `format`, as PM2 does. */
export function formatDate(format: string): (at: Date) => string {
  const d = dayjs();
  return (at) => d(at).format(format);
}

export interface StampReader {
  /** The stamp at the start of `line` and the text after its space, or null when the line has no stamp of this format. */
  split(line: string): { stamp: string; rest: string } | null;
  /** The stamp as epoch ms (read in local time unless the format has an offset), or null when it cannot be read back as a time. */
  timeOf(stamp: string): number | null;
}

/** Reads back lines written with `format`. */
export function stampReader(format: string): StampReader {
  const d = dayjs(true);
  const spaces = d(new Date(0)).format(format).split(' ').length - 1;
  return {
    split(line) {
      let at = -1;
      for (let i = 0; i <= spaces; i++) {
        at = line.indexOf(' ', at + 1);
        if (at < 0) return null;
      }
      return { stamp: line.slice(0, at), rest: line.slice(at + 1) };
    },
    timeOf(stamp) {
      const parsed: Dayjs = d(stamp, format, true);
      return parsed.isValid() ? parsed.valueOf() : null;
    },
  };
}
