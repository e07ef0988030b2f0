/**
 * `shutdownWithMessage` and `sticky` wherever a spec is made or read: flags,
 * the primary's checker, and state.json / dump.json written before they existed.
 */
import { defaultSpec } from '../../src/config/defaults';
import { specFromFlags } from '../../src/config/flags';
import { appSpecSchema } from '../../src/protocol/schemas';
import { checkAppSpec } from '../../src/protocol/primary-params';

const ctx = { home: '/tmp/h', cwd: __dirname, env: {} };

test('a stored spec without the fields still loads, both false', () => {
  const spec = defaultSpec('/tmp/h', 'api', '/tmp/app.js', '/tmp', {});
  const old: Record<string, unknown> = { ...spec };
  delete old.shutdownWithMessage;
  delete old.sticky;
  const parsed = appSpecSchema.parse(old);
  expect(parsed).toMatchObject({ shutdownWithMessage: false, sticky: false });
  expect(parsed).toEqual(spec);
});

test('--shutdown-with-message and --sticky set them; the primary accepts the spec', () => {
  const spec = specFromFlags(__filename, [], { shutdownWithMessage: true, sticky: true }, ctx);
  expect(spec).toMatchObject({ shutdownWithMessage: true, sticky: true });
  expect(checkAppSpec(spec, 'spec')).toEqual(spec);
  expect(specFromFlags(__filename, [], {}, ctx)).toMatchObject({ shutdownWithMessage: false, sticky: false });
});
