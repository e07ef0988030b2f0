/** Env values never reach `describe` / `ls --json` unless asked for. */
import { defaultSpec } from '../../src/config/defaults';
import { redactAppInfo, redactEnv, REDACTED } from '../../src/protocol/redact';

const spec = defaultSpec('/h', 'api', '/srv/api.js', '/srv', { DB_PASSWORD: 'hunter2', PORT: '3000' });

it('keeps every name and replaces every value', () => {
  const r = redactEnv(spec);
  expect(r.env).toEqual({ DB_PASSWORD: REDACTED, PORT: REDACTED });
  expect({ ...r, env: spec.env }).toEqual(spec);
  expect(spec.env.DB_PASSWORD).toBe('hunter2');
});

it('redacts the spec inside an AppInfo', () => {
  const info = redactAppInfo({ name: 'api', status: 'online', primaryPid: 1, spec, workers: [], createdAt: 0 });
  expect(JSON.stringify(info)).not.toContain('hunter2');
  expect(info.spec.env.PORT).toBe(REDACTED);
});
