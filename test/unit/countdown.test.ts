/**
 * The restart countdown in its three places: `ls`'s reasonText, the
 * dashboard's browser copy of it (run here in a vm context, with the few
 * browser globals it touches given as plain objects) and monit's status cell.
 * The browser copy must word every row as reasonText does; it counts on the
 * daemon's clock whatever the browser's says; its timer runs only while a
 * restart is ahead; monit's table keeps its columns and widths.
 */
import { runInNewContext } from 'node:vm';
import { initialModel, withApps } from '../../src/cli/monit/model';
import { PLAIN_PALETTE } from '../../src/cli/monit/palette';
import { screenLines, statusCell } from '../../src/cli/monit/screen';
import { reasonText, restartLeftMs } from '../../src/cli/render/worker-text';
import { COUNTDOWN_SCRIPT } from '../../src/daemon/http/dashboard-countdown';
import { defaultSpec } from '../../src/config/defaults';
import type { AppInfo, WorkerInfo } from '../../src/protocol/types';

type Row = Pick<WorkerInfo, 'status' | 'reason' | 'restartAt'>;

interface FakeElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
}

interface Page {
  reasonText(w: Row, now: number): string | null;
  restartLeftMs(w: Row, now: number): number | null;
  reasonCell(w: Row, now: number): string;
  setDaemonClock(daemonNow: unknown, localNow: number): void;
  daemonNow(): number;
  tick(): boolean;
  countDown(): void;
}

const NOW = 1_800_000_000_000;

/** The countdown script in a fresh context: its own clock (`local.now`), elements and timers. */
function page(local: { now: number }, elements: FakeElement[] = []) {
  const timers = { started: 0, cleared: 0 };
  const globals = {
    Date: { now: () => local.now },
    esc: (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    document: { querySelectorAll: () => elements },
    setInterval: () => ++timers.started,
    clearInterval: () => {
      timers.cleared += 1;
    },
  };
  const fns = runInNewContext(
    `${COUNTDOWN_SCRIPT};({ reasonText, restartLeftMs, reasonCell, setDaemonClock, daemonNow, tick, countDown })`,
    globals,
  ) as Page;
  return { fns, timers };
}

const ROWS: Row[] = [
  { status: 'waiting-restart', reason: 'exited with code 1', restartAt: NOW + 1500 },
  { status: 'waiting-restart', reason: 'was killed by SIGKILL', restartAt: NOW + 28_868.4 },
  { status: 'waiting-restart', reason: null, restartAt: NOW + 10 },
  { status: 'waiting-restart', reason: '', restartAt: NOW - 5 },
  { status: 'waiting-restart', reason: 'exited with code 1; restarting in 800 ms' }, // an earlier primary
  { status: 'waiting-restart', reason: 'x', restartAt: null },
  { status: 'errored', reason: 'crash loop', restartAt: null },
  { status: 'online', reason: null, restartAt: null },
];

describe('the dashboard words a row as ls does', () => {
  const { fns } = page({ now: NOW });
  test.each([0, 1, 499.5, 1499.5, 1500, 9000])('every row, %d ms on', (after) => {
    for (const row of ROWS) {
      expect(fns.reasonText(row, NOW + after)).toBe(reasonText(row, NOW + after));
      expect(fns.restartLeftMs(row, NOW + after)).toBe(restartLeftMs(row, NOW + after));
    }
  });

  test('the wording itself', () => {
    expect(fns.reasonText(ROWS[0], NOW + 1000)).toBe('exited with code 1; restarting in 500 ms');
    expect(fns.reasonText(ROWS[2], NOW)).toBe('restarting in 10 ms');
    expect(fns.reasonText(ROWS[3], NOW)).toBe('restarting now');
  });

  test('a waiting reason carries its restartAt and escaped reason; others none', () => {
    const cell = fns.reasonCell({ status: 'waiting-restart', reason: 'a <b> "c"', restartAt: NOW + 2000 }, NOW);
    expect(cell).toBe(
      ` <small class="reason" data-restart-at="${NOW + 2000}" data-reason="a &#60;b&#62; &#34;c&#34;">` +
        'a &#60;b&#62; &#34;c&#34;; restarting in 2000 ms</small>',
    );
    expect(fns.reasonCell(ROWS[6], NOW)).toBe(' <small class="reason">crash loop</small>');
    expect(fns.reasonCell(ROWS[7], NOW)).toBe('');
  });
});

describe("the dashboard counts on the daemon's clock", () => {
  test('a browser an hour fast or slow counts the same', () => {
    for (const skew of [3_600_000, -3_600_000, 0]) {
      const local = { now: NOW + skew };
      const { fns } = page(local);
      fns.setDaemonClock(NOW, local.now);
      expect(fns.reasonText(ROWS[0], fns.daemonNow())).toBe('exited with code 1; restarting in 1500 ms');
      local.now += 1000;
      expect(fns.reasonText(ROWS[0], fns.daemonNow())).toBe('exited with code 1; restarting in 500 ms');
    }
  });

  test('a clock event without a number keeps the last offset', () => {
    const local = { now: NOW + 60_000 };
    const { fns } = page(local);
    fns.setDaemonClock(NOW, local.now);
    for (const bad of [undefined, null, 'soon', Number.NaN, Infinity]) fns.setDaemonClock(bad, local.now);
    expect(fns.daemonNow()).toBe(NOW);
  });
});

describe("the dashboard's timer", () => {
  test('rewrites waiting reasons, runs while a restart is ahead, stops when none is', () => {
    const el: FakeElement = {
      dataset: { restartAt: String(NOW + 1200), reason: 'was killed by SIGKILL' },
      textContent: '',
    };
    const local = { now: NOW };
    const { fns, timers } = page(local, [el]);
    fns.setDaemonClock(NOW, local.now);
    fns.countDown();
    expect(timers).toEqual({ started: 1, cleared: 0 });
    expect(el.textContent).toBe('was killed by SIGKILL; restarting in 1200 ms');
    local.now += 700;
    expect(fns.tick()).toBe(true);
    expect(el.textContent).toBe('was killed by SIGKILL; restarting in 500 ms');
    fns.countDown(); // a render while it runs starts no second timer
    expect(timers.started).toBe(1);
    local.now += 500;
    expect(fns.tick()).toBe(false);
    expect(el.textContent).toBe('was killed by SIGKILL; restarting now');
    expect(timers).toEqual({ started: 1, cleared: 1 });
  });

  test('no waiting row: no timer', () => {
    const { fns, timers } = page({ now: NOW });
    fns.countDown();
    expect(timers).toEqual({ started: 0, cleared: 0 });
  });
});

describe("monit's status cell", () => {
  test('the time left in tenths, whole seconds from 10 s, then now', () => {
    const w = { status: 'waiting-restart' as const, restartAt: NOW + 2400 };
    expect(statusCell(w, NOW)).toBe('waiting-restart 2.4s');
    expect(statusCell(w, NOW + 1000)).toBe('waiting-restart 1.4s');
    expect(statusCell(w, NOW + 2399)).toBe('waiting-restart 0.1s');
    expect(statusCell(w, NOW + 2400)).toBe('waiting-restart now');
    expect(statusCell({ ...w, restartAt: NOW + 28_868 }, NOW)).toBe('waiting-restart 29s');
    expect(statusCell({ ...w, restartAt: NOW + 9_999 }, NOW)).toBe('waiting-restart 10s');
    expect(statusCell({ ...w, restartAt: NOW + 9_900 }, NOW)).toBe('waiting-restart 9.9s');
  });

  test('no restartAt (an earlier primary) or another status: the status alone', () => {
    expect(statusCell({ status: 'waiting-restart' }, NOW)).toBe('waiting-restart');
    expect(statusCell({ status: 'online', restartAt: null }, NOW)).toBe('online');
  });
});

describe("monit's table with a waiting row", () => {
  const spec = defaultSpec('/tmp/h', 'web', '/srv/app.js', '/srv', {});
  const online: WorkerInfo = {
    instance: 0,
    pid: 4242,
    status: 'online',
    restarts: 0,
    startedAt: NOW - 65_000,
    cpu: 1,
    memory: 50 * 1024 * 1024,
    lastExit: null,
    reason: null,
  };
  const waiting: WorkerInfo = {
    ...online,
    instance: 1,
    pid: null,
    status: 'waiting-restart',
    startedAt: null,
    restarts: 3,
    reason: 'was killed by SIGKILL',
    restartAt: NOW + 2400,
  };
  const apps: AppInfo[] = [
    { name: 'web', status: 'degraded', primaryPid: 1, spec, workers: [online, waiting], createdAt: 0 },
  ];
  const lines = (cols: number, now: number): string[] =>
    screenLines({
      model: withApps(initialModel(), apps),
      logs: [],
      size: { cols, rows: 12 },
      now,
      palette: PLAIN_PALETTE,
    });

  test('the time left in the status column, counted down by the tick, the columns still aligned', () => {
    const at = (text: string, now: number): string[] => lines(120, now).filter((l) => l.includes(text));
    const [head] = at('restarts', NOW);
    const [row] = at('waiting-restart 2.4s', NOW);
    // The restarts cell (the first figure after the status) starts under its heading in both rows.
    const after = (line: string, cell: string, figure: string): number =>
      line.indexOf(figure, line.indexOf(cell) + cell.length);
    expect(after(row, 'waiting-restart 2.4s', '3')).toBe(head.indexOf('restarts'));
    const [online0] = at('4242', NOW);
    expect(after(online0, 'online', '0')).toBe(head.indexOf('restarts'));
    expect(at('waiting-restart 1.4s', NOW + 1000)).toHaveLength(1);
    expect(at('waiting-restart now', NOW + 2400)).toHaveLength(1);
  });

  test('every line is exactly the width, however narrow (fitLine cuts the end, the status stays)', () => {
    for (const cols of [120, 60, 40, 30]) {
      const shown = lines(cols, NOW);
      shown.forEach((l, i) => expect(l.length).toBe(i === shown.length - 1 ? cols - 1 : cols));
    }
    expect(lines(40, NOW).some((l) => l.includes('waiting-restart 2.4s'))).toBe(true);
  });
});
