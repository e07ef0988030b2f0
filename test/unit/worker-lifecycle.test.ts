/**
 * The primary's worker lifecycle, pure: every allowed transition, every
 * illegal one refused, and the reason texts derived from the status's data.
 * No process is started.
 */
import { renderReason, slotRows, toWorkerInfo } from '../../src/primary/lifecycle/render';
import {
  ALLOWED_FROM,
  IllegalTransition,
  canTransition,
  initialSlotState,
  transition,
  type SlotEvent,
  type SlotEventType,
  type SlotState,
  type SlotStatus,
} from '../../src/primary/lifecycle/slot-status';
import { SlotTable, type Slot } from '../../src/primary/lifecycle/slot-table';
import { freshHistory } from '../../src/supervision/restart-policy';

const T0 = 1_000_000;
const crash = { code: 1, signal: null, at: T0 + 50, reason: 'crash' };
const history = { unstableInARow: 2, backoffStep: 3 };

/** One status of each kind, as the lifecycle produces them. */
const STATUSES: Record<SlotStatus['kind'], SlotStatus> = {
  launching: { kind: 'launching', pid: 10, since: T0, after: null, listenError: null },
  online: { kind: 'online', pid: 10, since: T0 },
  stopping: { kind: 'stopping', pid: 10, since: T0, reason: 'reload', failure: null },
  stopped: { kind: 'stopped', reason: null },
  'waiting-restart': { kind: 'waiting-restart', at: T0 + 500, why: 'exited with code 1' },
  errored: { kind: 'errored', reason: 'crash loop: …' },
};

/** One event of each type. */
const EVENTS: Record<SlotEventType, SlotEvent> = {
  forked: { type: 'forked', pid: 11, cause: 'start' },
  listenFailed: { type: 'listenFailed', error: 'listen EADDRINUSE: address already in use 127.0.0.1:3000' },
  cameOnline: { type: 'cameOnline' },
  stopRequested: { type: 'stopRequested', reason: 'stopped' },
  exited: { type: 'exited', exit: crash },
  restartScheduled: { type: 'restartScheduled', exit: crash, at: T0 + 1000, why: 'exited with code 1', history },
  gaveUp: { type: 'gaveUp', exit: crash, reason: 'crash loop', history },
  predecessorExited: { type: 'predecessorExited', exit: crash, pid: 12, since: T0 + 10 },
  replaced: { type: 'replaced', pid: 12, since: T0 + 10 },
  retired: { type: 'retired', exit: { ...crash, reason: 'reload' } },
  halted: { type: 'halted' },
};

/** The status kind each allowed (from, event) pair leads to. */
const EXPECTED: Record<SlotEventType, Partial<Record<SlotStatus['kind'], SlotStatus['kind']>>> = {
  forked: { stopped: 'launching', 'waiting-restart': 'launching', errored: 'launching' },
  listenFailed: { launching: 'launching' },
  cameOnline: { launching: 'online' },
  stopRequested: { launching: 'stopping', online: 'stopping', stopping: 'stopping' },
  exited: { launching: 'stopped', online: 'stopped', stopping: 'stopped' },
  restartScheduled: { launching: 'waiting-restart', online: 'waiting-restart', stopping: 'waiting-restart' },
  gaveUp: { launching: 'errored', online: 'errored', stopping: 'errored' },
  predecessorExited: { launching: 'launching', online: 'launching', stopping: 'launching' },
  replaced: { launching: 'online', online: 'online', stopping: 'online' },
  retired: {
    launching: 'launching',
    online: 'online',
    stopping: 'stopping',
    stopped: 'stopped',
    'waiting-restart': 'waiting-restart',
    errored: 'errored',
  },
  halted: { stopped: 'stopped', 'waiting-restart': 'stopped', errored: 'stopped' },
};

const at = (status: SlotStatus): SlotState => ({ ...initialSlotState(), status });
const kinds = Object.keys(STATUSES) as Array<SlotStatus['kind']>;
const types = Object.keys(EVENTS) as SlotEventType[];

describe('worker lifecycle: the transition table', () => {
  const pairs = types.flatMap((type) => kinds.map((from) => [type, from] as const));

  test.each(pairs)('%s from %s: allowed exactly when the table says so, to the expected status', (type, from) => {
    const to = EXPECTED[type][from];
    expect(ALLOWED_FROM[type].includes(from)).toBe(to !== undefined);
    if (to === undefined) {
      expect(() => transition(at(STATUSES[from]), EVENTS[type], T0)).toThrow(IllegalTransition);
    } else {
      expect(transition(at(STATUSES[from]), EVENTS[type], T0).status.kind).toBe(to);
    }
  });

  test('a new slot is stopped, with no restarts and no last exit', () => {
    expect(initialSlotState()).toEqual({
      status: { kind: 'stopped', reason: null },
      restarts: 0,
      history: freshHistory(),
      lastExit: null,
    });
  });

  test('a worker that cannot be online again is refused: stopped → online, errored → online, stopped → waiting-restart', () => {
    expect(() => transition(initialSlotState(), { type: 'cameOnline' }, T0)).toThrow(/cameOnline in status stopped/);
    expect(() => transition(at(STATUSES.errored), { type: 'cameOnline' }, T0)).toThrow(IllegalTransition);
    expect(() => transition(initialSlotState(), EVENTS.restartScheduled, T0)).toThrow(IllegalTransition);
    expect(canTransition('stopped', 'online')).toBe(false);
    expect(canTransition('errored', 'online')).toBe(false);
    expect(canTransition('stopped', 'waiting-restart')).toBe(false);
    expect(canTransition('online', 'waiting-restart')).toBe(true);
    expect(canTransition('errored', 'launching')).toBe(true);
  });
});

describe('worker lifecycle: the data each transition carries', () => {
  test('a first start, online, a crash with backoff, the restart and its end as online', () => {
    let s = transition(initialSlotState(), { type: 'forked', pid: 10, cause: 'start' }, T0);
    expect(s.status).toEqual({ kind: 'launching', pid: 10, since: T0, after: null, listenError: null });
    s = transition(s, { type: 'cameOnline' }, T0 + 20);
    expect(s.status).toEqual({ kind: 'online', pid: 10, since: T0 });
    s = transition(s, EVENTS.restartScheduled, T0 + 50);
    expect(s).toMatchObject({ lastExit: crash, history, restarts: 0 });
    expect(s.status).toEqual({ kind: 'waiting-restart', at: T0 + 1000, why: 'exited with code 1' });
    s = transition(s, { type: 'forked', pid: 11, cause: 'crash-restart', after: 'exited with code 1' }, T0 + 1000);
    expect(s).toMatchObject({ restarts: 1, history, lastExit: crash });
    expect(renderReason(s.status)).toBe('exited with code 1; restarting now');
    s = transition(s, { type: 'cameOnline' }, T0 + 1100);
    expect(renderReason(s.status)).toBeNull();
  });

  test('a person’s restart counts a restart and resets the backoff history', () => {
    const errored = { ...at(STATUSES.errored), history, restarts: 4 };
    const s = transition(errored, { type: 'forked', pid: 20, cause: 'person-restart' }, T0);
    expect(s).toMatchObject({ restarts: 5, history: freshHistory() });
  });

  test('a replacement takes over: new pid, one more restart, fresh history, last exit kept', () => {
    const online = { ...at(STATUSES.online), history, lastExit: crash };
    const s = transition(online, EVENTS.replaced, T0 + 10);
    expect(s).toEqual({
      status: { kind: 'online', pid: 12, since: T0 + 10 },
      restarts: 1,
      history: freshHistory(),
      lastExit: crash,
    });
    const retired = transition(s, EVENTS.retired, T0 + 20);
    expect(retired.lastExit?.reason).toBe('reload');
    expect(retired.status).toBe(s.status);
  });

  test('a worker ended for not coming online says why while it goes', () => {
    const s = transition(
      at(STATUSES.launching),
      { type: 'stopRequested', reason: 'not-online', failure: 'did not listen within 100 ms (--listen-timeout)' },
      T0,
    );
    expect(renderReason(s.status)).toBe('did not listen within 100 ms (--listen-timeout)');
    expect(renderReason(STATUSES.stopping)).toBeNull();
  });

  test('a failed listen is shown while launching', () => {
    const s = transition(at(STATUSES.launching), EVENTS.listenFailed, T0);
    expect(renderReason(s.status)).toBe('could not listen: listen EADDRINUSE: address already in use 127.0.0.1:3000');
  });

  test('a stop exit code or autorestart off: stopped with the policy’s reason; halted clears it', () => {
    const s = transition(at(STATUSES.online), { type: 'exited', exit: crash, reason: 'autorestart is off' }, T0);
    expect(s.status).toEqual({ kind: 'stopped', reason: 'autorestart is off' });
    expect(transition(s, { type: 'halted' }, T0).status).toEqual({ kind: 'stopped', reason: null });
  });
});

describe('worker lifecycle: a waiting restart goes out as its why and its time', () => {
  const waiting: SlotStatus = { kind: 'waiting-restart', at: T0 + 1500, why: 'exited with code 1' };

  test("the reason is only the why: the countdown is the reader's, from restartAt", () => {
    expect(renderReason(waiting)).toBe('exited with code 1');
  });

  test('as WorkerInfo: no pid, the last exit, the why and restartAt', () => {
    const state: SlotState = { ...at(waiting), lastExit: crash, restarts: 2 };
    expect(toWorkerInfo(3, state, () => ({ cpu: 1, memory: 2 }))).toEqual({
      instance: 3,
      pid: null,
      status: 'waiting-restart',
      restarts: 2,
      startedAt: null,
      cpu: null,
      cpuSeconds: null,
      memory: null,
      lastExit: crash,
      reason: 'exited with code 1',
      role: 'serving',
      restartAt: T0 + 1500,
    });
  });

  test('a live worker as WorkerInfo: its pid, start time and usage, no restartAt', () => {
    const info = toWorkerInfo(0, at(STATUSES.online), (pid) => (pid === 10 ? { cpu: 5, memory: 7 } : undefined));
    expect(info).toMatchObject({ pid: 10, status: 'online', startedAt: T0, cpu: 5, memory: 7, reason: null });
    expect(info).toMatchObject({ role: 'serving', restartAt: null });
  });
});

describe('worker rows of a slot during a replacement', () => {
  interface P {
    pid: number;
    startedAt: number;
    exit: unknown;
  }
  const usage = (pid: number): { cpu: number; memory: number } | undefined =>
    pid === 21 ? { cpu: 3, memory: 4 } : undefined;

  function slotWith(pending: P | null, retiring: P[]): Slot<P> {
    const table = new SlotTable<P>(() => undefined);
    const slot = table.add(1);
    table.apply(slot, { type: 'forked', pid: 20, cause: 'start' }, T0);
    table.apply(slot, { type: 'cameOnline' }, T0);
    slot.pending = pending;
    for (const r of retiring) slot.retiring.add(r);
    return slot;
  }

  test('no replacement: the one serving row', () => {
    expect(slotRows(slotWith(null, []), usage).map((r) => [r.pid, r.status, r.role])).toEqual([
      [20, 'online', 'serving'],
    ]);
  });

  test('a replacement coming online is its own launching row, with its pid, start time and usage', () => {
    const rows = slotRows(slotWith({ pid: 21, startedAt: T0 + 10, exit: null }, []), usage);
    expect(rows.map((r) => [r.instance, r.pid, r.status, r.role])).toEqual([
      [1, 20, 'online', 'serving'],
      [1, 21, 'launching', 'replacement'],
    ]);
    expect(rows[1]).toMatchObject({ startedAt: T0 + 10, cpu: 3, memory: 4, reason: null, restartAt: null });
  });

  test('a replaced process still draining is a stopping row; one that has exited is not listed', () => {
    const rows = slotRows(
      slotWith(null, [
        { pid: 19, startedAt: T0 - 5, exit: null },
        { pid: 18, startedAt: T0 - 9, exit: { code: 0 } },
      ]),
      usage,
    );
    expect(rows.map((r) => [r.pid, r.status, r.role])).toEqual([
      [20, 'online', 'serving'],
      [19, 'stopping', 'retiring'],
    ]);
  });

  test('an exited replacement is not listed', () => {
    const rows = slotRows(slotWith({ pid: 21, startedAt: T0, exit: { code: 1 } }, []), usage);
    expect(rows).toHaveLength(1);
  });
});

describe('slot table', () => {
  test('under test an illegal transition throws', () => {
    const table = new SlotTable<number>(() => undefined);
    const slot = table.add(0);
    expect(() => table.apply(slot, { type: 'cameOnline' })).toThrow(IllegalTransition);
    expect(slot.state.status.kind).toBe('stopped');
  });

  test('in production an illegal transition is reported and refused, the status kept', () => {
    const reports: Array<Record<string, unknown>> = [];
    const table = new SlotTable<number>((_msg, fields) => reports.push(fields), undefined, false);
    const slot = table.add(0);
    expect(table.apply(slot, { type: 'cameOnline' })).toBe(false);
    expect(slot.state.status).toEqual({ kind: 'stopped', reason: null });
    expect(reports).toEqual([{ instance: 0, from: 'stopped', event: 'cameOnline' }]);
    expect(table.apply(slot, { type: 'forked', pid: 5, cause: 'start' })).toBe(true);
    expect(slot.state.status.kind).toBe('launching');
  });

  test('lowest free numbers first; a removed slot records nothing more', () => {
    let changes = 0;
    const table = new SlotTable<number>(
      () => undefined,
      () => changes++,
    );
    const [a, , c] = [0, 1, 2].map((i) => table.add(i));
    table.remove(1);
    expect(table.freeInstances(2)).toEqual([1, 3]);
    expect(table.all().map((s) => s.instance)).toEqual([0, 2]);
    table.remove(0);
    const before = changes;
    expect(table.apply(a, { type: 'forked', pid: 1, cause: 'start' })).toBe(false);
    expect(changes).toBe(before);
    expect(table.has(c)).toBe(true);
    expect(table.has(a)).toBe(false);
  });
});
