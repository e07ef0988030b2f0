/**
 * A box-drawn table in cli-table3's layout (compact, one space of padding,
 * no colours of its own), for the `ls` rows. cli-table3 spent 25 ms (2 apps)
 * to 83 ms (50 apps) of CPU on one table, more than the rest of `ls` above
 * `node -e 0`: per cell it merges every table option (`setOption`), builds
 * a fresh ANSI regex per width measurement (string-width → strip-ansi →
 * ansi-regex) and checks every earlier cell for span conflicts, O(cells²).
 * None of it has an option to turn it off, and `ls` needs none of it: its
 * cells are one line and never span; widths are measured like cli-table3's
 * (./text-width), so a name with spaces or wide characters lines up.
 * test/unit/box-table.test.ts checks the output is byte-identical to cli-table3's.
 */

import { textWidth as visibleWidth } from './text-width';

export function renderBoxTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => {
    let w = visibleWidth(h);
    for (const r of rows) w = Math.max(w, visibleWidth(r[i] ?? ''));
    return w + 2;
  });
  const rule = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w)).join(mid) + right;
  const line = (cells: string[]): string =>
    `│${widths
      .map((w, i) => {
        const c = cells[i] ?? '';
        return ` ${c}${' '.repeat(w - 1 - visibleWidth(c))}`;
      })
      .join('│')}│`;
  return [rule('┌', '┬', '┐'), line(head), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')].join('\n');
}
