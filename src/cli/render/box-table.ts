/**
 * A box-drawn table in cli-table3's layout (compact, one space of padding,
 * no colours of its own), for the `ls` rows. cli-table3 spent 25 ms (2 apps)
 * to 83 ms (50 apps) of CPU on one table, more than the rest of `ls` above
 * `node -e 0`: per cell it merges every table option (`setOption`), builds
 * a fresh ANSI regex per width measurement (string-width → strip-ansi →
 * ansi-regex) and checks every earlier cell for span conflicts, O(cells²).
 * None of it has an option to turn it off, and `ls` needs none of it: its
 * cells are one line, never span, and are ASCII (app names match
 * APP_NAME_PATTERN) apart from the colour codes of a status.
 * test/unit/box-table.test.ts checks the output is byte-identical to cli-table3's.
 */

// eslint-disable-next-line no-control-regex -- the SGR colour codes chalk writes
const SGR = /\u001b\[[\d;]*m/g;

/** Columns a cell takes on a terminal: its length without colour codes. */
function visibleWidth(cell: string): number {
  return cell.replace(SGR, '').length;
}

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
