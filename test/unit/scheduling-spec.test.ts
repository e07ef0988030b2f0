/**
 * `scheduling` wherever a spec is read after the flag or file made it: the
 * pure parser and setter (src/config/scheduling.ts), the daemon's schema and
 * the primary's checker, the apply plan (a change replaces the primary), and
 * describe's line.
 */
import { planApply } from '../../src/config/apply';
import { defaultSpec } from '../../src/config/defaults';
import { parseScheduling, setScheduling, STICKY_NEEDS_RR } from '../../src/config/scheduling';
import { renderDescribe } from '../../src/cli/render/describe';
import { ClusterctlError } from '../../src/protocol/errors';
import { checkAppSpec, primaryParams } from '../../src/protocol/primary-params';
import { appSpecSchema, daemonParamSchemas, parseWith } from '../../src/protocol/schemas';
import type { AppInfo, AppSpec } from '../../src/protocol/types';

function spec(over: Partial<AppSpec> = {}): AppSpec {
  return { ...defaultSpec('/tmp/h', 'api', '/srv/api.js', '/srv', {}), ...over };
}

function info(s: AppSpec): AppInfo {
  return { name: s.name, status: 'online', primaryPid: 100, spec: s, workers: [], createdAt: 1 };
}

const source = { label: '--scheduling', refuse: (why: string) => new ClusterctlError('E_USAGE', why) };

test('parseScheduling takes rr and none (trimmed), and names both otherwise', () => {
  expect(parseScheduling('--scheduling', 'rr')).toBe('rr');
  expect(parseScheduling('--scheduling', ' none')).toBe('none');
  expect(() => parseScheduling('--scheduling', 'RR')).toThrow('--scheduling "RR": expected one of rr, none');
});

test('setScheduling: set in cluster mode, refused with sticky for none, left at rr with a notice in fork mode', () => {
  const s = spec();
  const notices: string[] = [];
  setScheduling(s, 'none', source, notices);
  expect(s.scheduling).toBe('none');
  const sticky = spec({ sticky: true });
  expect(() => setScheduling(sticky, 'none', source, notices)).toThrow(STICKY_NEEDS_RR);
  setScheduling(sticky, 'rr', source, notices);
  expect(sticky.scheduling).toBe('rr');
  expect(notices).toEqual([]);
  const forked = spec({ execMode: 'fork' });
  setScheduling(forked, 'none', source, notices);
  expect(forked.scheduling).toBe('rr');
  expect(notices).toEqual([
    'api: --scheduling applies to cluster mode only (fork-mode processes share no listening socket); not used',
  ]);
});

test('the daemon schema and the primary checker take both values and refuse others', () => {
  const none = spec({ scheduling: 'none' });
  expect(appSpecSchema.parse(none)).toEqual(none);
  expect(checkAppSpec(none, 'spec')).toEqual(none);
  expect(() => appSpecSchema.parse({ ...none, scheduling: 'fast' })).toThrow();
  expect(() => checkAppSpec({ ...none, scheduling: 'fast' }, 'spec')).toThrow();
});

test('sticky with none over the API: the daemon schema and the primary checker refuse it on the field, in the same words', () => {
  const both = spec({ sticky: true, scheduling: 'none' });
  const why = '"none" cannot go with sticky: true: ' + STICKY_NEEDS_RR + '; send "rr", or sticky: false';
  expect(() => parseWith(daemonParamSchemas.start, { spec: both }, 'start params')).toThrow(
    `invalid start params: spec.scheduling: ${why}`,
  );
  expect(() => primaryParams.init({ spec: both })).toThrow(`invalid init params.spec.scheduling: ${why}`);
  // Either alone is fine, and so is a spec saved before sticky existed.
  expect(appSpecSchema.parse(spec({ sticky: true }))).toMatchObject({ sticky: true, scheduling: 'rr' });
  const old: Record<string, unknown> = { ...spec({ scheduling: 'none' }) };
  delete old.sticky;
  expect(appSpecSchema.parse(old)).toMatchObject({ sticky: false, scheduling: 'none' });
});

test('apply: a changed scheduling replaces the primary (restart), whatever else changed', () => {
  const from = spec();
  const [action] = planApply([info(from)], [{ ...from, scheduling: 'none', env: { X: '1' } }], {
    prune: false,
  }).actions;
  expect(action).toMatchObject({ kind: 'restart', fields: ['scheduling'] });
});

test('describe: the scheduling line, and "-" for fork mode', () => {
  expect(renderDescribe(info(spec()), 0)).toMatch(/^scheduling +rr \(the primary accepts, round-robin\)$/m);
  expect(renderDescribe(info(spec({ scheduling: 'none' })), 0)).toMatch(/^scheduling +none \(the workers accept\)$/m);
  expect(renderDescribe(info(spec({ execMode: 'fork' })), 0)).toMatch(/^scheduling +- \(fork mode\)$/m);
});
