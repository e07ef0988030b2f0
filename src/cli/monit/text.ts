/**
 * Text that is safe to put on a full-screen terminal: control characters
 * and escape sequences removed (an app's own colours or cursor moves must not
 * move ours), and lines cut or padded to an exact width. A line is built from
 * segments so colour is applied after cutting and never counts as width.
 */

/** CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`) and two-byte escapes, as an app may print them. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ESCAPE_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
/** C0 controls, DEL and C1 controls: none of them prints, several move the cursor. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\t/g, '  ').replace(CONTROL, '');
}

export type Paint = (text: string) => string;

export interface Segment {
  text: string;
  paint?: Paint;
}

/**
 * The segments as one line of exactly `width` columns: cut at the width
 * (counting code points: the table and logs are mostly ASCII, and a wide
 * character only shortens a line, it never wraps it, because each line ends
 * with erase-to-end), padded with spaces when `pad`.
 */
export function fitLine(segments: readonly Segment[], width: number, pad = true): string {
  let left = Math.max(0, width);
  let out = '';
  for (const seg of segments) {
    if (left === 0) break;
    const chars = Array.from(stripControl(seg.text));
    const piece = chars.slice(0, left).join('');
    left -= Math.min(chars.length, left);
    if (piece !== '') out += seg.paint ? seg.paint(piece) : piece;
  }
  return pad && left > 0 ? out + ' '.repeat(left) : out;
}

/** Visible width of plain text (code points). */
export function widthOf(text: string): number {
  return Array.from(text).length;
}

export function padRight(text: string, width: number): string {
  const w = widthOf(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}
