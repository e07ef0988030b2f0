/** Colours for statuses, loaded only when a terminal will show them. */
import type { AppStatus, WorkerStatus } from '../../protocol/types';
import { useColor } from '../output';
import { loadChalk } from './chalk';

type Paint = (text: string) => string;

let cached: { green: Paint; red: Paint; yellow: Paint } | null | undefined;

function palette(): { green: Paint; red: Paint; yellow: Paint } | null {
  if (cached !== undefined) return cached;
  if (!useColor()) {
    cached = null;
    return cached;
  }
  const c = loadChalk();
  cached = { green: c.green, red: c.red, yellow: c.yellow };
  return cached;
}

export function paintStatus(status: AppStatus | WorkerStatus): string {
  const p = palette();
  if (!p) return status;
  switch (status) {
    case 'online':
      return p.green(status);
    case 'errored':
      return p.red(status);
    case 'stopping':
    case 'waiting-restart':
    case 'launching':
    case 'reloading':
    case 'degraded':
      return p.yellow(status);
    default:
      return status;
  }
}
