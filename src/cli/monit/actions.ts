/**
 * The verbs monit's keys run on the selected app, through the same daemon
 * methods as `clusterctl reload|restart|stop <name>`, and how their outcome
 * reads on the status line.
 */
import type { Client } from '../../client/client';
import type { AppInfo } from '../../protocol/types';
import type { KeyAction } from './keys';
import type { StatusLine } from './model';

export type Verb = Extract<KeyAction, 'reload' | 'restart' | 'stop'>;

const WORDS: Record<Verb, { doing: string; done: string }> = {
  reload: { doing: 'reloading', done: 'reloaded' },
  restart: { doing: 'restarting', done: 'restarted' },
  stop: { doing: 'stopping', done: 'stopped' },
};

export function isVerb(action: KeyAction): action is Verb {
  return action === 'reload' || action === 'restart' || action === 'stop';
}

export function pendingText(verb: Verb, app: string): StatusLine {
  return { text: `${WORDS[verb].doing} ${app}…`, kind: 'info' };
}

function call(client: Client, verb: Verb, target: string): Promise<AppInfo[]> {
  switch (verb) {
    case 'reload':
      return client.reload({ target });
    case 'restart':
      return client.restart({ target });
    case 'stop':
      return client.stop({ target });
  }
}

/** Runs the verb; never rejects: a failure is a status line with the daemon's message. */
export async function runVerb(client: Client, verb: Verb, app: string): Promise<StatusLine> {
  const started = Date.now();
  try {
    const info = (await call(client, verb, app)).at(0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return { text: `${app} ${WORDS[verb].done} in ${seconds} s (now ${info?.status ?? 'gone'})`, kind: 'ok' };
  } catch (err) {
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    return { text: `${verb} ${app} failed: ${message}`, kind: 'error' };
  }
}
