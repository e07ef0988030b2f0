/**
 * What monit's keys mean. Input comes in raw mode as bytes: a chunk may hold
 * several keys (typed fast, or pasted), and the arrows are escape sequences
 * (`ESC [ A`, or `ESC O A` when the terminal is in application cursor mode).
 */
export type KeyAction = 'up' | 'down' | 'reload' | 'restart' | 'stop' | 'quit';

const SEQUENCES: ReadonlyArray<[string, KeyAction]> = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
  ['k', 'up'],
  ['j', 'down'],
  ['r', 'reload'],
  ['R', 'restart'],
  ['s', 'stop'],
  ['q', 'quit'],
  // Ctrl-C: in raw mode it arrives as a byte, not as SIGINT.
  ['\x03', 'quit'],
];

/** The actions of a chunk of input, in order; anything else is ignored. */
export function parseKeys(input: string): KeyAction[] {
  const actions: KeyAction[] = [];
  let i = 0;
  while (i < input.length) {
    const match = SEQUENCES.find(([seq]) => input.startsWith(seq, i));
    if (match) {
      actions.push(match[1]);
      i += match[0].length;
      continue;
    }
    // An escape sequence we do not know (another key, a mouse report) is skipped whole.
    // eslint-disable-next-line no-control-regex -- matching escape sequences is the point
    const unknown = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O.)?/.exec(input.slice(i));
    i += unknown ? Math.max(1, unknown[0].length) : 1;
  }
  return actions;
}
