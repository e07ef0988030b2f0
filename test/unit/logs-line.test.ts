/** The on-disk line format: what the primary writes, the CLI parses back unchanged. */
import { createLineFormatter, parseLogLine } from '../../src/logfile/line';

const at = new Date('2026-01-02T03:04:05.678Z');

test('text lines are <instance>|<message>, and parse back even when the message looks like a tag', () => {
  const f = createLineFormatter('api', 3, 'out', 'text', false);
  const msgs = ['hello', '', '2|not a tag', '2026-01-02T03:04:05.678Z 1|not a time', 'a|b|c'];
  const text = f.format(msgs, at);
  expect(text).toBe('3|hello\n3|\n3|2|not a tag\n3|2026-01-02T03:04:05.678Z 1|not a time\n3|a|b|c\n');
  const back = text.slice(0, -1).split('\n').map(parseLogLine);
  expect(back.map((p) => p.msg)).toEqual(msgs);
  expect(back.every((p) => p.instance === 3 && p.time === null)).toBe(true);
});

test('--time puts the ISO time first', () => {
  const line = createLineFormatter('api', 12, 'err', 'text', true).format(['boom'], at);
  expect(line).toBe('2026-01-02T03:04:05.678Z 12|boom\n');
  expect(parseLogLine(line.trimEnd())).toEqual({ time: at.getTime(), instance: 12, msg: 'boom' });
});

test('json lines carry time, app, instance, stream and msg, whatever the message holds', () => {
  const msg = 'quote " backslash \\ tab \t unicode é 😀';
  const line = createLineFormatter('my-app', 0, 'err', 'json', false).format([msg], at).trimEnd();
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
  const json = createLineFormatter('NearBy Server: eu', 2, 'err', 'json', false).format(['up|1'], at);
  expect(JSON.parse(json) as unknown).toMatchObject({ app: 'NearBy Server: eu', instance: 2, msg: 'up|1' });
  expect(parseLogLine(json.trimEnd())).toEqual({ time: at.getTime(), instance: 2, msg: 'up|1' });
  const text = createLineFormatter('NearBy Server', 2, 'out', 'text', true).format(['up'], at);
  expect(parseLogLine(text.trimEnd())).toEqual({ time: at.getTime(), instance: 2, msg: 'up' });
  expect(createLineFormatter('NearBy Server', 2, 'out', 'text', false, true).format(['up'], at)).toBe(
    'NearBy Server:2|up\n',
  );
});
