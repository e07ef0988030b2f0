/** The on-disk line format: what the primary writes, the CLI parses back unchanged. */
import { stampReader } from '../../src/logfile/date-format';
import { createLineFormatter, parseLogLine, stampOf } from '../../src/logfile/line';

const at = new Date('2026-01-02T03:04:05.678Z');
const ISO = stampOf({ time: true, dateFormat: null });

test('text lines are <instance>|<message>, and parse back even when the message looks like a tag', () => {
  const f = createLineFormatter('api', 3, 'out', 'text', null);
  const msgs = ['hello', '', '2|not a tag', '2026-01-02T03:04:05.678Z 1|not a time', 'a|b|c'];
  const text = f.format(msgs, at);
  expect(text).toBe('3|hello\n3|\n3|2|not a tag\n3|2026-01-02T03:04:05.678Z 1|not a time\n3|a|b|c\n');
  const back = text
    .slice(0, -1)
    .split('\n')
    .map((l) => parseLogLine(l));
  expect(back.map((p) => p.msg)).toEqual(msgs);
  expect(back.every((p) => p.instance === 3 && p.time === null)).toBe(true);
});

test('--time puts the ISO time first', () => {
  const line = createLineFormatter('api', 12, 'err', 'text', ISO).format(['boom'], at);
  expect(line).toBe('2026-01-02T03:04:05.678Z 12|boom\n');
  expect(parseLogLine(line.trimEnd())).toEqual({ time: at.getTime(), instance: 12, msg: 'boom' });
});

test('json lines carry time, app, instance, stream and msg, whatever the message holds', () => {
  const msg = 'quote " backslash \\ tab \t unicode é 😀';
  const line = createLineFormatter('my-app', 0, 'err', 'json', null).format([msg], at).trimEnd();
  expect(JSON.parse(line)).toEqual({ time: at.toISOString(), app: 'my-app', instance: 0, stream: 'err', msg });
  expect(parseLogLine(line)).toEqual({ time: at.getTime(), instance: 0, msg });
});

test('lines in no format of ours are returned whole, without instance or time', () => {
  expect(parseLogLine('just text')).toEqual({ time: null, instance: null, msg: 'just text' });
  expect(parseLogLine('{"not":"ours"}')).toEqual({ time: null, instance: null, msg: '{"not":"ours"}' });
  expect(parseLogLine('{broken')).toEqual({ time: null, instance: null, msg: '{broken' });
});

test('an app name with spaces or a ":" never gets in the way of parsing a line back', () => {
  // Files hold no name in text lines; json quotes it; run's shared stdout tags `app:instance|` for people only.
  const json = createLineFormatter('NearBy Server: eu', 2, 'err', 'json', null).format(['up|1'], at);
  expect(JSON.parse(json) as unknown).toMatchObject({ app: 'NearBy Server: eu', instance: 2, msg: 'up|1' });
  expect(parseLogLine(json.trimEnd())).toEqual({ time: at.getTime(), instance: 2, msg: 'up|1' });
  const text = createLineFormatter('NearBy Server', 2, 'out', 'text', ISO).format(['up'], at);
  expect(parseLogLine(text.trimEnd())).toEqual({ time: at.getTime(), instance: 2, msg: 'up' });
  expect(createLineFormatter('NearBy Server', 2, 'out', 'text', null, true).format(['up'], at)).toBe(
    'NearBy Server:2|up\n',
  );
});

describe('a date format (log_date_format)', () => {
  const FORMAT = 'YYYY-MM-DD HH:mm:ss.SSS Z';

  test('text lines lead with the time in the format; they parse back to the instance, the message, the stamp and the time', () => {
    const stamp = stampOf({ time: true, dateFormat: FORMAT });
    const msgs = ['hello world', '2|not a tag', 'a b | c', ''];
    const text = createLineFormatter('api', 7, 'out', 'text', stamp).format(msgs, at);
    const lines = text.slice(0, -1).split('\n');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d 7\|/);
    const back = lines.map((l) => parseLogLine(l, stampReader(FORMAT)));
    expect(back.map((p) => p.msg)).toEqual(msgs);
    expect(back.every((p) => p.instance === 7 && p.time === at.getTime())).toBe(true);
    expect(back[0]?.stamp).toBe(lines[0]?.slice(0, lines[0].indexOf(' 7|')));
  });

  test('escaped text with spaces in the format is skipped as part of the stamp', () => {
    const format = '[on] dddd, D MMMM YYYY [at] HH:mm:ss Z';
    const line = createLineFormatter('api', 1, 'err', 'text', stampOf({ time: true, dateFormat: format }))
      .format(['up 1|x'], at)
      .trimEnd();
    expect(line).toMatch(/^on \w+day, \d+ \w+ 2026 at \d\d:\d\d:\d\d [+-]\d\d:\d\d 1\|up 1\|x$/);
    expect(parseLogLine(line, stampReader(format))).toMatchObject({ instance: 1, msg: 'up 1|x' });
  });

  test('json lines keep the ISO time whatever the format: a machine reads them', () => {
    const line = createLineFormatter('api', 0, 'out', 'json', stampOf({ time: true, dateFormat: FORMAT })).format(
      ['x'],
      at,
    );
    expect(JSON.parse(line) as unknown).toMatchObject({ time: at.toISOString(), msg: 'x' });
  });

  test('lines written before the format was set (ISO or untimed) still parse with the reader', () => {
    const reader = stampReader(FORMAT);
    expect(parseLogLine('2026-01-02T03:04:05.678Z 2|old', reader)).toEqual({
      time: at.getTime(),
      instance: 2,
      msg: 'old',
    });
    expect(parseLogLine('3|older', reader)).toEqual({ time: null, instance: 3, msg: 'older' });
    // Spaces and a tag-like text in an untimed message do not make it look stamped.
    expect(parseLogLine('3|a b c 4|d', reader)).toEqual({ time: null, instance: 3, msg: 'a b c 4|d' });
  });

  test('a format that cannot be read back as a time gives the line no time, but its instance and message', () => {
    const reader = stampReader('HH[h]mm');
    const line = createLineFormatter('api', 4, 'out', 'text', stampOf({ time: true, dateFormat: 'HH[h]mm' }))
      .format(['m'], at)
      .trimEnd();
    expect(parseLogLine(line, reader)).toMatchObject({ instance: 4, msg: 'm' });
  });

  test('no time on the lines means no stamp, whatever the format', () => {
    expect(stampOf({ time: false, dateFormat: FORMAT })).toBeNull();
  });
});
