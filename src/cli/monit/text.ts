/**
 * Text that is safe to put on a full-screen terminal: control characters
 * and escape sequences removed (an app's own colours or cursor moves must not
 * move ours), and lines cut or padded to an exact width. A line is built from
 * segments so colour is applied after cutting and never counts as width.
 */
import { textWidth } from '../render/text-width';

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
 * The segments as one line of exactly `width` columns (a wide character
 * counts two, see ../render/text-width), cut at the width and padded with
 * spaces when `pad`. A wide character that would straddle the edge is left out.
 */
export function fitLine(segments: readonly Segment[], width: number, pad = true): string {
  let left = Math.max(0, width);
  let out = '';
  for (const seg of segments) {
    if (left === 0) break;
    const text = stripControl(seg.text);
    const piece = textWidth(text) <= left ? text : cut(text, left);
    left -= textWidth(piece);
    if (piece !== '') out += seg.paint ? seg.paint(piece) : piece;
  }
  return pad && left > 0 ? out + ' '.repeat(left) : out;
}

/** The longest start of `text` that fits in `cols` columns. */
function cut(text: string, cols: number): string {
  let used = 0;
  let out = '';
  for (const ch of text) {
    const w = textWidth(ch);
    if (used + w > cols) break;
    used += w;
    out += ch;
  }
  return out;
}

/** Columns plain text takes. */
export function widthOf(text: string): number {
  return textWidth(text);
}

export function padRight(text: string, width: number): string {
  const w = widthOf(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}
