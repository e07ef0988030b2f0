/** monit's pure parts: the screen, text fitting and stripping, the log buffer cap, keys, selection. */
import { defaultSpec } from '../../src/config/defaults';
import { parseKeys } from '../../src/cli/monit/keys';
import { LogBuffer } from '../../src/cli/monit/log-buffer';
import { initialModel, moveSelection, withApps, type MonitModel } from '../../src/cli/monit/model';
import { colorPalette, PLAIN_PALETTE } from '../../src/cli/monit/palette';
import { KEY_HELP, renderFrame, screenLines, type ScreenInput } from '../../src/cli/monit/screen';
import { fitLine, stripControl } from '../../src/cli/monit/text';
import { useColor } from '../../src/cli/output';
import type { AppInfo, WorkerInfo } from '../../src/protocol/types';

const NOW = 1_700_000_000_000;

function worker(instance: number, pid: number, status: WorkerInfo['status'] = 'online'): WorkerInfo {
  return {
    instance,
    pid,
    status,
    restarts: instance,
    startedAt: NOW - 65_000,
    cpu: 12.4,
    memory: 50 * 1024 * 1024,
    lastExit: null,
    reason: null,
  };
}

function app(name: string, workers: WorkerInfo[], status: AppInfo['status'] = 'online'): AppInfo {
  return {
    name,
    status,
    primaryPid: 100,
    spec: defaultSpec('/tmp/h', name, '/srv/app.js', '/srv', {}),
    workers,
    createdAt: NOW,
  };
}

const APPS = [app('web', [worker(0, 4242), worker(1, 4243, 'errored')]), app('idle', [], 'stopped')];

function input(over: Partial<ScreenInput> = {}): ScreenInput {
  return {
    model: withApps(initialModel(), APPS),
    logs: [],
    size: { cols: 80, rows: 20 },
    now: NOW,
    palette: PLAIN_PALETTE,
    ...over,
  };
}

// eslint-disable-next-line no-control-regex -- looking for escape sequences is the point
const ESC = /\x1b/;

describe('monit screen', () => {
  it('fills the terminal exactly: rows lines, each cols wide (the last one column short)', () => {
    for (const size of [
      { cols: 80, rows: 20 },
      { cols: 120, rows: 40 },
      { cols: 30, rows: 8 },
    ]) {
      const lines = screenLines(input({ size }));
      expect(lines).toHaveLength(size.rows);
      expect(lines.slice(0, -1).every((l) => Array.from(l).length === size.cols)).toBe(true);
      expect(Array.from(lines.at(-1) ?? '')).toHaveLength(size.cols - 1);
    }
  });

  it('shows each worker with pid, status, restarts, uptime, cpu and memory, the selected app marked', () => {
    const lines = screenLines(input()).map((l) => l.trimEnd());
    expect(lines[0]).toBe('clusterctl monit: 2 apps, 1/2 workers online');
    expect(lines[1]).toMatch(/^ {2}app +id +pid +status +restarts +uptime +cpu +mem$/);
    expect(lines[2]).toMatch(/^> web +0 +4242 +online +0 +1m +12% +50\.0 MB$/);
    expect(lines[3]).toMatch(/^> web +1 +4243 +errored +1 +- +12% +50\.0 MB$/);
    expect(lines[4]).toMatch(/^ {2}idle +- +- +stopped +- +- +- +-$/);
    expect(lines[5]).toMatch(/^── logs: web ─+$/);
    expect(lines.at(-1)).toBe(KEY_HELP);
  });

  it('shows the newest log lines that fit and the status line above the keys', () => {
    const logs = Array.from({ length: 50 }, (_, i) => ({ text: `line ${i}`, err: false }));
    const model: MonitModel = { ...withApps(initialModel(), APPS), status: { text: 'web reloaded', kind: 'ok' } };
    const lines = screenLines(input({ logs, model })).map((l) => l.trimEnd());
    expect(lines.at(-2)).toBe('web reloaded');
    expect(lines.at(-3)).toBe('line 49');
    // 20 rows: title, head, 3 table rows, rule, status, keys: 12 log lines.
    expect(lines.filter((l) => l.startsWith('line '))).toHaveLength(12);
  });

  it('cuts long lines to the width instead of wrapping them', () => {
    const logs = [{ text: 'x'.repeat(500), err: true }];
    const lines = screenLines(input({ logs, size: { cols: 40, rows: 10 } }));
    expect(lines.every((l) => Array.from(l).length <= 40)).toBe(true);
    expect(lines).toContain('x'.repeat(40));
  });

  it('keeps the selected app in view when the table does not fit', () => {
    const many = Array.from({ length: 30 }, (_, i) => app(`app${i}`, [worker(0, 1000 + i)]));
    let model = withApps(initialModel(), many);
    model = moveSelection(model, 25);
    const lines = screenLines(input({ model, size: { cols: 80, rows: 12 } }));
    expect(lines.some((l) => l.startsWith('> app25 '))).toBe(true);
  });

  it('says so when the terminal is too small', () => {
    expect(screenLines(input({ size: { cols: 80, rows: 4 } }))[0]).toMatch(/^terminal too small \(80x4\)/);
  });

  it('paints statuses in colour, and writes no escape sequence at all with the plain palette', () => {
    const coloured = renderFrame(input({ palette: colorPalette() }));
    expect(coloured).toContain('\x1b[32monline ');
    expect(coloured).toContain('\x1b[31merrored\x1b[39m');
    const plain = screenLines(input()).join('\n');
    expect(plain).not.toMatch(ESC);
  });

  it('NO_COLOR (or TERM=dumb) turns colour off even on a terminal', () => {
    const tty = { isTTY: true };
    expect(useColor(tty, {})).toBe(true);
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('monit text', () => {
  it('strips escape sequences and control characters an app may print', () => {
    expect(stripControl('\x1b[31mred\x1b[0m \x1b[2J\x1b[Hhome')).toBe('red home');
    expect(stripControl('title\x1b]0;pwned\x07 ok')).toBe('title ok');
    expect(stripControl('a\rb\bc\x00d\x7fe\x9bf')).toBe('abcdef');
    expect(stripControl('tab\there')).toBe('tab  here');
    expect(stripControl('ünïcödé ✓')).toBe('ünïcödé ✓');
  });

  it('fits segments to a width, painting after the cut', () => {
    const paint = (t: string): string => `<${t}>`;
    expect(fitLine([{ text: 'abc' }, { text: 'defg', paint }], 5)).toBe('abc<de>');
    expect(fitLine([{ text: 'ab' }], 5)).toBe('ab   ');
    expect(fitLine([{ text: 'ab' }], 5, false)).toBe('ab');
    expect(fitLine([{ text: '\x1b[31mab' }], 2)).toBe('ab');
  });

  it('counts a wide character as two columns and a combining accent as none', () => {
    expect(fitLine([{ text: '日本語 api' }], 5)).toBe('日本 ');
    expect(fitLine([{ text: 'NearBy Server' }], 20)).toBe('NearBy Server       ');
    expect(fitLine([{ text: 'e\u0301t\u00e9' }], 4)).toBe('e\u0301t\u00e9 ');
    expect(fitLine([{ text: '☕ ok' }], 4)).toBe('☕ o');
  });

  it('strips log lines as they enter the buffer, and keeps only the newest `cap`', () => {
    const buffer = new LogBuffer(1000);
    buffer.push(Array.from({ length: 2500 }, (_, i) => ({ text: `\x1b[2J${i}`, err: false })));
    expect(buffer.size).toBe(1000);
    expect(buffer.last(2).map((l) => l.text)).toEqual(['2498', '2499']);
    expect(buffer.last(1000)[0]?.text).toBe('1500');
    buffer.clear();
    expect(buffer.size).toBe(0);
  });
});

describe('monit keys and selection', () => {
  it('reads arrows (both cursor modes), j/k, verbs and quit from raw input, ignoring the rest', () => {
    expect(parseKeys('\x1b[A\x1bOB jkrRsq\x03x\x1b[5~')).toEqual([
      'up',
      'down',
      'down',
      'up',
      'reload',
      'restart',
      'stop',
      'quit',
      'quit',
    ]);
  });

  it('keeps the selection on its app across events, moves to the first when it is gone, stops at the ends', () => {
    let model = withApps(initialModel(), APPS);
    expect(model.selected).toBe('web');
    model = moveSelection(model, 1);
    expect(model.selected).toBe('idle');
    model = moveSelection(model, 5);
    expect(model.selected).toBe('idle');
    model = withApps(model, [APPS[1], APPS[0]]);
    expect(model.selected).toBe('idle');
    model = withApps(model, [APPS[0]]);
    expect(model.selected).toBe('web');
    model = moveSelection(model, -3);
    expect(model.selected).toBe('web');
    expect(withApps(model, []).selected).toBeNull();
  });
});
