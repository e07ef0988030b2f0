/**
 * The daemon's lifecycle of one app, as a stored phase. Pure: no process,
 * no timer, no I/O. The phase is written only by `transition()`, which
 * takes a named event and refuses one the current phase does not allow
 * (thrown under test, logged and ignored in production, so a slip in the
 * daemon never crashes it). What `ls` shows is derived from the phase.
 *
 *   stopped | gave-up | reviving --launch--> starting --settled--> running
 *   running | stopped | gave-up | reviving --reload/restart/scale--> reloading | restarting | scaling
 *   starting | reloading | restarting --settled--> running;  scaling --settled--> where it was
 *   a phase with a primary --primary-died--> reviving (when, why) --launch--> starting
 *   starting | stopped --revive-again--> reviving   (a revival failed; missing at daemon start)
 *   a phase with a primary | reviving | stopped --give-up--> gave-up (why; left only by a person)
 *   any but incompatible --stop--> stopping --stopped--> stopped
 *   stopped --adopt--> running;  stopped --incompatible--> incompatible --released--> stopped
 */

export type StartOp = 'start' | 'resume';
export type StopOp = 'stop' | 'delete' | 'kill';

/** Phases in which nothing is in flight: another operation may begin. */
export type IdlePhase =
  | { kind: 'running' }
  | { kind: 'stopped' }
  /** The primary died (or was missing); a new one is due. `since` is epoch ms, `reason` is shown on each instance. */
  /** `restartAt`: when the next primary starts (epoch ms), so a reader counts the wait down itself. */
  | { kind: 'reviving'; since: number; reason: string; restartAt: number }
  /** Terminal until a person restarts the app: the primary could not be kept running. */
  | { kind: 'gave-up'; reason: string }
  /** A primary of another protocol version runs the app: left running, never commanded. */
  | { kind: 'incompatible'; reason: string; pid: number | null };

/** Phases in which one operation holds the app. */
export type BusyPhase =
  | { kind: 'starting'; op: StartOp }
  | { kind: 'reloading' }
  | { kind: 'restarting' }
  /** `prior` is where a scale goes back to when the app has no primary (a stopped app keeps its new size). */
  | { kind: 'scaling'; prior: IdlePhase }
  | { kind: 'stopping'; op: StopOp };

export type AppPhase = IdlePhase | BusyPhase;
export type PhaseKind = AppPhase['kind'];

export type AppEvent =
  | { type: 'launch'; op: StartOp }
  | { type: 'reload' }
  | { type: 'restart' }
  | { type: 'scale' }
  /** The operation in flight is over and left the app as it should be. */
  | { type: 'settled' }
  | { type: 'primary-died'; at: number; reason: string; restartAt: number }
  /** A revival's launch failed, or the app should run but had no primary at daemon start. */
  | { type: 'revive-again'; at: number; reason: string; restartAt: number }
  | { type: 'give-up'; reason: string }
  | { type: 'stop'; op: StopOp }
  | { type: 'stopped' }
  | { type: 'adopt' }
  | { type: 'incompatible'; reason: string; pid: number | null }
  /** The incompatible primary is gone: the app is ours again, not running. */
  | { type: 'released' };

export type EventType = AppEvent['type'];

const WITH_PRIMARY: PhaseKind[] = ['running', 'starting', 'reloading', 'restarting', 'scaling'];
const PERSON_CAN_START: PhaseKind[] = ['stopped', 'gave-up', 'reviving'];

/** From which phases each event is allowed. */
export const ALLOWED_FROM: Record<EventType, readonly PhaseKind[]> = {
  launch: PERSON_CAN_START,
  reload: ['running', ...PERSON_CAN_START],
  restart: ['running', ...PERSON_CAN_START],
  scale: ['running', ...PERSON_CAN_START],
  settled: ['starting', 'reloading', 'restarting', 'scaling'],
  'primary-died': WITH_PRIMARY,
  'revive-again': ['starting', 'stopped', 'reviving'],
  'give-up': [...WITH_PRIMARY, 'reviving', 'stopped'],
  // kill may overtake any operation, a stop in progress included.
  stop: ['running', 'starting', 'reloading', 'restarting', 'scaling', 'stopping', ...PERSON_CAN_START],
  stopped: ['stopping'],
  adopt: ['stopped'],
  incompatible: ['stopped'],
  released: ['incompatible'],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly app: string,
    readonly from: PhaseKind,
    readonly event: EventType,
  ) {
    super(`app ${app}: event "${event}" is not allowed in phase "${from}"`);
    this.name = 'IllegalTransitionError';
  }
}

/** The phase after `event`, or an IllegalTransitionError. Pure. */
export function nextPhase(app: string, phase: AppPhase, event: AppEvent): AppPhase {
  if (!ALLOWED_FROM[event.type].includes(phase.kind)) throw new IllegalTransitionError(app, phase.kind, event.type);
  switch (event.type) {
    case 'launch':
      return { kind: 'starting', op: event.op };
    case 'reload':
      return { kind: 'reloading' };
    case 'restart':
      return { kind: 'restarting' };
    case 'scale':
      return { kind: 'scaling', prior: phase as IdlePhase };
    case 'settled':
      return phase.kind === 'scaling' ? phase.prior : { kind: 'running' };
    case 'primary-died':
    case 'revive-again':
      return { kind: 'reviving', since: event.at, reason: event.reason, restartAt: event.restartAt };
    case 'give-up':
      return { kind: 'gave-up', reason: event.reason };
    case 'stop':
      return { kind: 'stopping', op: event.op };
    case 'stopped':
    case 'released':
      return { kind: 'stopped' };
    case 'adopt':
      return { kind: 'running' };
    case 'incompatible':
      return { kind: 'incompatible', reason: event.reason, pid: event.pid };
  }
}

export interface PhaseHolder {
  readonly name: string;
  phase: AppPhase;
}

/**
 * The only writer of an app's phase. An illegal event throws under Jest (a
 * bug to fix); in production it is reported and refused, and the app keeps
 * its phase. Returns whether the phase changed.
 */
export function transition(
  holder: PhaseHolder,
  event: AppEvent,
  onIllegal: (err: IllegalTransitionError) => void,
): boolean {
  let next: AppPhase;
  try {
    next = nextPhase(holder.name, holder.phase, event);
  } catch (err) {
    if (!(err instanceof IllegalTransitionError) || process.env.JEST_WORKER_ID !== undefined) throw err;
    onIllegal(err);
    return false;
  }
  holder.phase = next;
  return true;
}

/** The operation that holds the app in this phase ('reload', 'stop', ...), or null when it is idle. */
export function busyOp(phase: AppPhase): string | null {
  switch (phase.kind) {
    case 'starting':
    case 'stopping':
      return phase.op;
    case 'reloading':
      return 'reload';
    case 'restarting':
      return 'restart';
    case 'scaling':
      return 'scale';
    default:
      return null;
  }
}
