/** chalk at 16 colours, loaded on first use: only a run that paints for a terminal pays for it. */
import type { Chalk } from 'chalk';

let instance: Chalk | undefined;

export function loadChalk(): Chalk {
  if (instance === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: a run with no terminal never loads chalk
    const chalk = require('chalk') as typeof import('chalk');
    instance = new chalk.Instance({ level: 1 });
  }
  return instance;
}
