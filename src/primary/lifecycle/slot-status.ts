/**
 * The lifecycle of one instance slot, pure: a status that carries its own
 * data, and one transition function, the only writer of status, reason,
 * restart count, restart history and last exit. No process, timer or clock
 * inside: the mechanisms feed it events and the time.
 *
 *   stopped ─forked─▶ launching ─cameOnline─▶ online ─stopRequested─▶ stopping
 *   "live" below is launching, online or stopping; "idle" is stopped,
 *   waiting-restart or errored.
 *   live ─exited─▶ stopped             (asked to stop, or a stop exit code / autorestart off)
 *   live ─restartScheduled─▶ waiting-restart ─forked─▶ launching   (a crash, after the backoff)
 *   live ─gaveUp─▶ errored             (crash loop; forked again only when a person asks)
 *   live ─replaced─▶ online            (a reload or memory replacement took over, new pid)
 *   live ─predecessorExited─▶ launching (the old worker died while its replacement starts)
 *   launching ─listenFailed─▶ launching, live ─stopRequested─▶ stopping
 *   idle ─halted─▶ stopped             (a person stopped an idle instance)
 *   any ─retired─▶ itself              (a replaced worker's exit recorded as the last exit)
 */
import type { ExitRecord, WorkerStatus } from '../../protocol/types';
import { freshHistory, type RestartHistory } from '../../supervision/restart-policy';

export type SlotStatus =
  | {
      kind: 'launching';
      pid: number;
      since: number;
      /** Why this start is a restart (the previous worker's failure), shown until it is online. */
      after: string | null;
      /** The worker reported that its listen failed. */
      listenError: string | null;
    }
  | { kind: 'online'; pid: number; since: number }
  | {
      kind: 'stopping';
      pid: number;
      since: number;
      /** Who asked: 'stopped', 'reload', 'restart', 'scale', or 'not-online' for a worker ended for failing to come online. */
      reason: string;
      /** With 'not-online': why it did not come online (its exit is then handled as a crash). */
      failure: string | null;
    }
  | { kind: 'stopped'; reason: string | null }
  | { kind: 'waiting-restart'; at: number; why: string }
  | { kind: 'errored'; reason: string };

/** Everything the lifecycle knows about one instance. */
export interface SlotState {
  readonly status: SlotStatus;
  /** Replacements of this instance: crash restarts, restart, reload, memory. */
  readonly restarts: number;
  readonly history: RestartHistory;
  readonly lastExit: ExitRecord | null;
}

export type ForkCause = 'start' | 'crash-restart' | 'person-restart';

export type SlotEvent =
  | { type: 'forked'; pid: number; cause: ForkCause; after?: string | null }
  | { type: 'listenFailed'; error: string }
  | { type: 'cameOnline' }
  | { type: 'stopRequested'; reason: string; failure?: string | null }
  | { type: 'exited'; exit: ExitRecord; reason?: string | null }
  | { type: 'restartScheduled'; exit: ExitRecord; at: number; why: string; history: RestartHistory }
  | { type: 'gaveUp'; exit: ExitRecord; reason: string; history: RestartHistory }
  | { type: 'predecessorExited'; exit: ExitRecord; pid: number; since: number }
  | { type: 'replaced'; pid: number; since: number }
  | { type: 'retired'; exit: ExitRecord }
  | { type: 'halted' };

export type SlotEventType = SlotEvent['type'];

type Kind = SlotStatus['kind'];
const LIVE: readonly Kind[] = ['launching', 'online', 'stopping'];
const IDLE: readonly Kind[] = ['stopped', 'waiting-restart', 'errored'];

/** From which statuses each event may happen. */
export const ALLOWED_FROM: Readonly<Record<SlotEventType, readonly Kind[]>> = {
  forked: IDLE,
  listenFailed: ['launching'],
  cameOnline: ['launching'],
  stopRequested: LIVE,
  exited: LIVE,
  restartScheduled: LIVE,
  gaveUp: LIVE,
  predecessorExited: LIVE,
  replaced: LIVE,
  retired: [...LIVE, ...IDLE],
  halted: IDLE,
};

export class IllegalTransition extends Error {
  constructor(
    readonly from: Kind,
    readonly event: SlotEventType,
  ) {
    super(`illegal worker transition: ${event} in status ${from}`);
  }
}

export function initialSlotState(): SlotState {
  return { status: { kind: 'stopped', reason: null }, restarts: 0, history: freshHistory(), lastExit: null };
}

/** The one writer: the state after `event`, or IllegalTransition when `event` cannot happen now. */
export function transition(state: SlotState, event: SlotEvent, now: number): SlotState {
  const from = state.status;
  if (!ALLOWED_FROM[event.type].includes(from.kind)) throw new IllegalTransition(from.kind, event.type);
  switch (event.type) {
    case 'forked':
      return forked(state, event, now);
    case 'listenFailed':
      return from.kind === 'launching' ? { ...state, status: { ...from, listenError: event.error } } : state;
    case 'cameOnline':
      return { ...state, status: { kind: 'online', pid: livePid(from), since: liveSince(from) } };
    case 'stopRequested':
      return {
        ...state,
        status: {
          kind: 'stopping',
          pid: livePid(from),
          since: liveSince(from),
          reason: event.reason,
          failure: event.failure ?? null,
        },
      };
    case 'exited':
      return { ...state, lastExit: event.exit, status: { kind: 'stopped', reason: event.reason ?? null } };
    case 'restartScheduled':
      return {
        ...state,
        lastExit: event.exit,
        history: event.history,
        status: { kind: 'waiting-restart', at: event.at, why: event.why },
      };
    case 'gaveUp':
      return {
        ...state,
        lastExit: event.exit,
        history: event.history,
        status: { kind: 'errored', reason: event.reason },
      };
    case 'predecessorExited':
      return {
        ...state,
        lastExit: event.exit,
        status: { kind: 'launching', pid: event.pid, since: event.since, after: null, listenError: null },
      };
    case 'replaced':
      return {
        restarts: state.restarts + 1,
        history: freshHistory(),
        lastExit: state.lastExit,
        status: { kind: 'online', pid: event.pid, since: event.since },
      };
    case 'retired':
      return { ...state, lastExit: event.exit };
    case 'halted':
      return { ...state, status: { kind: 'stopped', reason: null } };
  }
}

function forked(state: SlotState, event: Extract<SlotEvent, { type: 'forked' }>, now: number): SlotState {
  const status: SlotStatus = {
    kind: 'launching',
    pid: event.pid,
    since: now,
    after: event.after ?? null,
    listenError: null,
  };
  if (event.cause === 'start') return { ...state, status };
  const history = event.cause === 'person-restart' ? freshHistory() : state.history;
  return { ...state, status, history, restarts: state.restarts + 1 };
}

function livePid(s: SlotStatus): number {
  return 'pid' in s ? s.pid : -1;
}

function liveSince(s: SlotStatus): number {
  return 'since' in s ? s.since : 0;
}

/** Some event takes status `from` to status `to` (or `from` is `to`). */
export function canTransition(from: WorkerStatus, to: WorkerStatus): boolean {
  if (from === to) return true;
  return Object.keys(ALLOWED_FROM).some((type) => {
    const t = type as SlotEventType;
    return ALLOWED_FROM[t].includes(from) && TARGET[t].includes(to);
  });
}

/** The status kinds each event can lead to. */
const TARGET: Readonly<Record<SlotEventType, readonly Kind[]>> = {
  forked: ['launching'],
  listenFailed: ['launching'],
  cameOnline: ['online'],
  stopRequested: ['stopping'],
  exited: ['stopped'],
  restartScheduled: ['waiting-restart'],
  gaveUp: ['errored'],
  predecessorExited: ['launching'],
  replaced: ['online'],
  retired: [],
  halted: ['stopped'],
};
