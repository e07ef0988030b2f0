/** monit's colours: chalk at 16 colours on a terminal, none at all with NO_COLOR or TERM=dumb. */
import type { AppStatus, WorkerStatus } from '../../protocol/types';
import { loadChalk } from '../render/chalk';
import type { Paint } from './text';

export interface MonitPalette {
  status(status: AppStatus | WorkerStatus): Paint | undefined;
  selected: Paint | undefined;
  dim: Paint | undefined;
  bold: Paint | undefined;
  err: Paint | undefined;
  ok: Paint | undefined;
}

export const PLAIN_PALETTE: MonitPalette = {
  status: () => undefined,
  selected: undefined,
  dim: undefined,
  bold: undefined,
  err: undefined,
  ok: undefined,
};

export function colorPalette(): MonitPalette {
  const c = loadChalk();
  return {
    status(status) {
      switch (status) {
        case 'online':
          return c.green;
        case 'errored':
          return c.red;
        case 'stopped':
          return c.dim;
        default:
          return c.yellow;
      }
    },
    selected: c.inverse,
    dim: c.dim,
    bold: c.bold,
    err: c.red,
    ok: c.green,
  };
}
