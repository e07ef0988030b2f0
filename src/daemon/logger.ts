/** The daemon's own log: pino JSON lines in daemon.log, rotated like the apps' logs. */
import pino, { type Logger } from 'pino';
import { OWN_LOG_ROTATION } from '../config/defaults';
import { createRotatingDestination } from '../logfile/destination';

export type { Logger };

export function createLogger(path: string): Logger {
  const dest = createRotatingDestination(path, OWN_LOG_ROTATION);
  return pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}
