/** How `clusterctl logs` prints app lines and daemon.log lines (without colour, as in a pipe). */
import { formatDaemonLine, formatEntry, formatEntryJson, NO_COLOR_PALETTE } from '../../src/cli/logs/format';

const t = Date.parse('2026-01-02T03:04:05.678Z');

test('app lines: optional time, app:instance, stream, message', () => {
  expect(formatEntry({ app: 'api', stream: 'out', instance: 2, time: null, msg: 'hi' }, NO_COLOR_PALETTE)).toBe(
    'api:2 out | hi',
  );
  expect(formatEntry({ app: 'api', stream: 'err', instance: 0, time: t, msg: 'oops' }, NO_COLOR_PALETTE)).toBe(
    '2026-01-02T03:04:05.678Z api:0 err | oops',
  );
  expect(formatEntry({ app: 'api', stream: 'out', instance: null, time: null, msg: 'raw' }, NO_COLOR_PALETTE)).toBe(
    'api out | raw',
  );
  expect(JSON.parse(formatEntryJson({ app: 'api', stream: 'err', instance: 1, time: t, msg: 'm' }))).toEqual({
    time: '2026-01-02T03:04:05.678Z',
    app: 'api',
    instance: 1,
    stream: 'err',
    msg: 'm',
  });
});

test('daemon.log lines read like pino-pretty: time, level, pid, message, fields, stack', () => {
  const line = JSON.stringify({
    level: 40,
    time: '2026-01-02T03:04:05.678Z',
    pid: 42,
    msg: 'app primary exited unexpectedly',
    app: 'api',
    upForMs: 1200,
    note: 'two words',
  });
  expect(formatDaemonLine(line, NO_COLOR_PALETTE)).toBe(
    '2026-01-02T03:04:05.678Z WARN  (42) app primary exited unexpectedly app=api upForMs=1200 note="two words"',
  );
  const withErr = JSON.stringify({
    level: 50,
    time: '2026-01-02T03:04:05.678Z',
    pid: 1,
    msg: 'failed',
    err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.js:1:1)' },
  });
  expect(formatDaemonLine(withErr, NO_COLOR_PALETTE)).toBe(
    '2026-01-02T03:04:05.678Z ERROR (1) failed err=boom\n    at f (x.js:1:1)',
  );
  expect(formatDaemonLine('not json', NO_COLOR_PALETTE)).toBe('not json');
});
