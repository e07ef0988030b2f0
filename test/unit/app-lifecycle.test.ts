/** The daemon's app lifecycle (a stored phase) and the primary restart policy, with no process started. */
import { defaultSpec } from '../../src/config/defaults';
import { toAppInfo } from '../../src/daemon/app-info';
import {
  ALLOWED_FROM,
  IllegalTransitionError,
  busyOp,
  nextPhase,
  transition,
  type AppEvent,
  type AppPhase,
  type EventType,
  type PhaseKind,
} from '../../src/daemon/lifecycle/app-phase';
import { PRIMARY_POLICY, primaryBackoff } from '../../src/daemon/lifecycle/primary-policy';
import { Registry } from '../../src/daemon/registry';
import { BACKOFF_CAP_MS, BACKOFF_RESET_AFTER_MS } from '../../src/supervision/backoff';
import { decideRestart, freshHistory, type RestartHistory } from '../../src/supervision/restart-policy';

const SAMPLE_PHASE: Record<PhaseKind, AppPhase> = {
  starting: { kind: 'starting', op: 'start' },
  running: { kind: 'running' },
  reloading: { kind: 'reloading' },
  restarting: { kind: 'restarting' },
  scaling: { kind: 'scaling', prior: { kind: 'stopped' } },
  reviving: { kind: 'reviving', since: 1, reason: 'app primary exited unexpectedly (pid 9)', restartAt: 101 },
  stopping: { kind: 'stopping', op: 'stop' },
  stopped: { kind: 'stopped' },
  'gave-up': { kind: 'gave-up', reason: 'gave up after 16 restarts in a row' },
  incompatible: { kind: 'incompatible', reason: 'speaks protocol 999', pid: 42 },
};

const SAMPLE_EVENT: Record<EventType, AppEvent> = {
  launch: { type: 'launch', op: 'resume' },
  reload: { type: 'reload' },
  restart: { type: 'restart' },
  scale: { type: 'scale' },
  settled: { type: 'settled' },
  'primary-died': { type: 'primary-died', at: 5, reason: 'died', restartAt: 105 },
  'revive-again': { type: 'revive-again', at: 6, reason: 'again', restartAt: 156 },
  'give-up': { type: 'give-up', reason: 'crash loop' },
  stop: { type: 'stop', op: 'kill' },
  stopped: { type: 'stopped' },
  adopt: { type: 'adopt' },
  incompatible: { type: 'incompatible', reason: 'protocol 999', pid: 7 },
  released: { type: 'released' },
};

/** Where each event leads, as a kind (scaling's `settled` goes back to its prior, stopped in the sample). */
const TARGET: Record<EventType, PhaseKind | ((from: PhaseKind) => PhaseKind)> = {
  launch: 'starting',
  reload: 'reloading',
  restart: 'restarting',
  scale: 'scaling',
  settled: (from) => (from === 'scaling' ? 'stopped' : 'running'),
  'primary-died': 'reviving',
  'revive-again': 'reviving',
  'give-up': 'gave-up',
  stop: 'stopping',
  stopped: 'stopped',
  adopt: 'running',
  incompatible: 'incompatible',
  released: 'stopped',
};

const KINDS = Object.keys(SAMPLE_PHASE) as PhaseKind[];
const EVENTS = Object.keys(SAMPLE_EVENT) as EventType[];
const allowed = EVENTS.flatMap((e) => ALLOWED_FROM[e].map((from) => [from, e] as const));
const refused = EVENTS.flatMap((e) =>
  KINDS.filter((k) => !ALLOWED_FROM[e].includes(k)).map((from) => [from, e] as const),
);

describe('app phase transitions', () => {
  test.each(allowed)('%s --%s--> allowed', (from, event) => {
    const next = nextPhase('web', SAMPLE_PHASE[from], SAMPLE_EVENT[event]);
    const target = TARGET[event];
    expect(next.kind).toBe(typeof target === 'function' ? target(from) : target);
  });

  test.each(refused)('%s --%s--> refused', (from, event) => {
    expect(() => nextPhase('web', SAMPLE_PHASE[from], SAMPLE_EVENT[event])).toThrow(IllegalTransitionError);
  });

  test('every phase has an event out of it, and the table has no unknown phase', () => {
    for (const kind of KINDS) expect(allowed.some(([from]) => from === kind)).toBe(true);
    for (const [from] of allowed) expect(KINDS).toContain(from);
  });

  test('the phases carry their data: when and why for reviving, the reason for gave-up', () => {
    expect(nextPhase('web', SAMPLE_PHASE.running, SAMPLE_EVENT['primary-died'])).toEqual({
      kind: 'reviving',
      since: 5,
      reason: 'died',
      restartAt: 105,
    });
    expect(nextPhase('web', SAMPLE_PHASE.reviving, SAMPLE_EVENT['give-up'])).toEqual({
      kind: 'gave-up',
      reason: 'crash loop',
    });
    const prior: AppPhase = { kind: 'gave-up', reason: 'x' };
    const scaling = nextPhase('web', prior, { type: 'scale' });
    expect(nextPhase('web', scaling, { type: 'settled' })).toBe(prior);
  });

  test('gave-up is left only by a person (start, restart, reload, stop) or a scale', () => {
    const out = EVENTS.filter((e) => ALLOWED_FROM[e].includes('gave-up')).sort();
    expect(out).toEqual(['launch', 'reload', 'restart', 'scale', 'stop']);
  });

  test('busy phases name their operation; idle ones are not busy', () => {
    expect(KINDS.map((k) => [k, busyOp(SAMPLE_PHASE[k])])).toEqual([
      ['starting', 'start'],
      ['running', null],
      ['reloading', 'reload'],
      ['restarting', 'restart'],
      ['scaling', 'scale'],
      ['reviving', null],
      ['stopping', 'stop'],
      ['stopped', null],
      ['gave-up', null],
      ['incompatible', null],
    ]);
  });

  test('transition() is the writer: it throws under test, and in production reports and refuses', () => {
    const holder = { name: 'web', phase: SAMPLE_PHASE.stopped };
    const reports: IllegalTransitionError[] = [];
    expect(transition(holder, { type: 'launch', op: 'start' }, (e) => reports.push(e))).toBe(true);
    expect(holder.phase).toEqual({ kind: 'starting', op: 'start' });
    expect(() => transition(holder, { type: 'adopt' }, (e) => reports.push(e))).toThrow(
      /app web: event "adopt" is not allowed in phase "starting"/,
    );
    const worker = process.env.JEST_WORKER_ID;
    delete process.env.JEST_WORKER_ID;
    try {
      expect(transition(holder, { type: 'adopt' }, (e) => reports.push(e))).toBe(false);
    } finally {
      process.env.JEST_WORKER_ID = worker;
    }
    expect(holder.phase).toEqual({ kind: 'starting', op: 'start' });
    expect(reports.map((r) => [r.from, r.event])).toEqual([['starting', 'adopt']]);
  });
});

describe('what ls shows is derived from the phase', () => {
  const registry = new Registry('/nonexistent/state.json');
  const entry = registry.add(defaultSpec('/h', 'web', '/srv/app.js', '/srv', {}), { restartOffsets: { '0': 2 } });
  entry.spec = { ...entry.spec, instances: 2 };

  test.each([
    ['stopped', 'stopped', []],
    ['stopping', 'stopping', []],
    ['starting', 'launching', []],
    ['reviving', 'launching', ['waiting-restart', 'waiting-restart']],
    ['gave-up', 'errored', ['errored', 'errored']],
    ['incompatible', 'errored', ['errored', 'errored']],
  ] as const)('%s: app %s, worker rows %j', (kind, status, rows) => {
    entry.phase = SAMPLE_PHASE[kind];
    const info = toAppInfo(entry);
    expect(info.status).toBe(status);
    expect(info.workers.map((w) => w.status)).toEqual(rows);
    const phase = SAMPLE_PHASE[kind];
    if ('reason' in phase) for (const w of info.workers) expect(w.reason).toBe(phase.reason);
    // A reviving app's rows carry when its primary starts again, for the reader's countdown.
    for (const w of info.workers) expect(w.restartAt).toBe(phase.kind === 'reviving' ? phase.restartAt : null);
    if (rows.length > 0) expect(info.workers.map((w) => w.restarts)).toEqual([2, 0]);
    expect(info.primaryPid).toBe(kind === 'incompatible' ? 42 : null);
  });

  test('the busy check names the operation in progress', async () => {
    entry.phase = { kind: 'stopped' };
    let release!: () => void;
    const first = registry.exclusive([entry], 'restart', () => new Promise<void>((r) => (release = r)));
    expect(entry.phase.kind).toBe('restarting');
    const second = registry.exclusive([entry], 'stop', () => Promise.resolve(1));
    await expect(second).rejects.toMatchObject({ code: 'E_BUSY' });
    await expect(second).rejects.toThrow(/app web is busy: a restart is in progress/);
    release();
    await first;
    // Nothing started a primary: the restart left the app given up, with why.
    expect(entry.phase).toEqual({ kind: 'gave-up', reason: 'the restart ended with no app primary running' });
  });
});

describe('primary restart policy through decideRestart', () => {
  const death = (uptimeMs: number) => ({ code: null, signal: null, uptimeMs });

  function dieFast(times: number, h: RestartHistory = freshHistory()): { delays: number[]; history: RestartHistory } {
    const delays: number[] = [];
    let history = h;
    for (let i = 0; i < times; i++) {
      const d = decideRestart(PRIMARY_POLICY, death(50), history);
      if (d.action !== 'restart') throw new Error(`gave up at death ${i + 1}`);
      delays.push(d.delayMs);
      history = d.history;
    }
    return { delays, history };
  }

  test('the policy: always autorestart, stable after 30 s, the workers default limit and backoff', () => {
    expect(PRIMARY_POLICY).toMatchObject({ autorestart: true, stopExitCodes: [], minUptime: 30000 });
    expect(PRIMARY_POLICY.minUptime).toBe(BACKOFF_RESET_AFTER_MS);
    expect(PRIMARY_POLICY.maxRestarts).toBe(16);
    expect(decideRestart(PRIMARY_POLICY, { code: 0, signal: null, uptimeMs: 10 }, freshHistory()).action).toBe(
      'restart',
    );
  });

  test('gives up after 16 fast deaths in a row (the 17th is not revived)', () => {
    const { history } = dieFast(16);
    expect(history.unstableInARow).toBe(16);
    expect(decideRestart(PRIMARY_POLICY, death(50), history).action).toBe('errored');
  });

  test('a run of 30 s resets the count and the backoff', () => {
    const { history } = dieFast(10);
    const stable = decideRestart(PRIMARY_POLICY, death(30000), history);
    // A stable run's death is revived at once, as a stable worker's crash is restarted at once.
    expect(stable).toMatchObject({ action: 'restart', delayMs: 0, unstable: false });
    if (stable.action !== 'restart') throw new Error('not restarted');
    expect(stable.history).toEqual({ unstableInARow: 0, backoffStep: 1 });
    expect(dieFast(16, stable.history).delays).toHaveLength(16);
  });

  test('the backoff grows x1.5 from 100 ms to the 15 s cap, as primaryBackoff says', () => {
    const { delays } = dieFast(16);
    expect(delays.slice(0, 4)).toEqual([100, 150, 225, 338]);
    expect(delays).toEqual(delays.map((_, i) => primaryBackoff(i)));
    expect(delays[15]).toBe(BACKOFF_CAP_MS);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
  });
});
