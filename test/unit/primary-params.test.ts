/**
 * The app primary checks its params by hand (zod would double its private
 * memory); these must say exactly what the zod schema the daemon uses says.
 */
import { appSpecSchema } from '../../src/protocol/schemas';
import { checkAppSpec, primaryParams } from '../../src/protocol/primary-params';
import { defaultSpec } from '../../src/config/defaults';
import { thrownBy } from '../helpers/match';

const valid = {
  ...defaultSpec('/h/.clusterctl', 'web', '/srv/app.js', '/srv', { PORT: '3000' }),
  incrementVar: 'PORT',
  stopExitCodes: [0, 42],
};

const WATCH = {
  paths: ['/srv'],
  ignore: ['*.tmp'],
  delayMs: 300,
  usePolling: false,
  interval: 1000,
  followSymlinks: true,
};

const broken: Array<[string, unknown]> = [
  ['name with a slash', { ...valid, name: 'a/b' }],
  ['name too long', { ...valid, name: 'a'.repeat(129) }],
  ['empty name', { ...valid, name: '' }],
  ['name with a newline', { ...valid, name: 'a\nb' }],
  ['relative script', { ...valid, script: 'app.js' }],
  ['args not strings', { ...valid, args: [1] }],
  ['zero instances', { ...valid, instances: 0 }],
  ['fractional instances', { ...valid, instances: 1.5 }],
  ['too many instances', { ...valid, instances: 5000 }],
  ['env value not a string', { ...valid, env: { A: 1 } }],
  ['negative kill timeout', { ...valid, killTimeout: -1 }],
  ['unknown signal', { ...valid, stopSignal: 'SIGKILL' }],
  ['listen timeout 0', { ...valid, listenTimeout: 0 }],
  ['exit code 256', { ...valid, stopExitCodes: [256] }],
  ['instance var with =', { ...valid, instanceVar: 'A=B' }],
  ['empty instance var', { ...valid, instanceVar: '' }],
  ['bad increment var', { ...valid, incrementVar: 'A-B' }],
  ['unknown scheduling', { ...valid, scheduling: 'random' }],
  ['sticky with scheduling none', { ...valid, sticky: true, scheduling: 'none' }],
  ['tiny log size', { ...valid, logs: { ...valid.logs, maxSize: 10 } }],
  ['unknown log format', { ...valid, logs: { ...valid.logs, format: 'xml' } }],
  ['extra field', { ...valid, extra: true }],
  ['extra log field', { ...valid, logs: { ...valid.logs, extra: 1 } }],
  ['relative combined log', { ...valid, logs: { ...valid.logs, combined: 'all.log' } }],
  ['combined log not a string', { ...valid, logs: { ...valid.logs, combined: true } }],
  ['empty date format', { ...valid, logs: { ...valid.logs, time: true, dateFormat: ' ' } }],
  ['date format with "|"', { ...valid, logs: { ...valid.logs, time: true, dateFormat: 'HH|mm' } }],
  ['date format with a newline', { ...valid, logs: { ...valid.logs, time: true, dateFormat: 'HH\nmm' } }],
  ['date format without time', { ...valid, logs: { ...valid.logs, time: false, dateFormat: 'HH:mm' } }],
  [
    'missing field',
    (() => {
      const rest: Record<string, unknown> = { ...valid };
      delete rest.cwd;
      return rest;
    })(),
  ],
  ['watch with no path', { ...valid, watch: { ...WATCH, paths: [] } }],
  ['watch with a relative path', { ...valid, watch: { ...WATCH, paths: ['src'] } }],
  ['watch polling interval 0', { ...valid, watch: { ...WATCH, interval: 0 } }],
  ['watch extra field', { ...valid, watch: { ...WATCH, awaitWriteFinish: true } }],
  ['cron empty expression', { ...valid, cron: { expr: '', tz: null } }],
  ['cron zone not a string', { ...valid, cron: { expr: '0 3 * * *', tz: 5 } }],
  ['not an object', 'web'],
  ['null', null],
];

function handVerdict(v: unknown): boolean {
  try {
    checkAppSpec(v, 'spec');
    return true;
  } catch {
    return false;
  }
}

test('a valid spec passes both and comes back equal', () => {
  expect(appSpecSchema.safeParse(valid).success).toBe(true);
  expect(checkAppSpec(valid, 'spec')).toEqual(valid);
  expect(checkAppSpec({ ...valid, incrementVar: null }, 'spec').incrementVar).toBeNull();
});

test('names PM2 takes and a PM2-style instance_var pass both', () => {
  for (const name of ['NearBy Server', '.hidden', '日本語 api', 'x'.repeat(128)]) {
    const spec = { ...valid, name, instanceVar: 'worker.id' };
    expect(appSpecSchema.parse(spec)).toEqual(spec);
    expect(checkAppSpec(spec, 'spec')).toEqual(spec);
  }
});

test('watch and cron: set, null, or absent (a spec saved before they existed) read the same on both sides', () => {
  const set = { ...valid, watch: WATCH, cron: { expr: '*/2 * * * * *', tz: 'UTC' } };
  expect(appSpecSchema.parse(set)).toEqual(set);
  expect(checkAppSpec(set, 'spec')).toEqual(set);
  const old: Record<string, unknown> = { ...valid };
  delete old.watch;
  delete old.cron;
  expect(appSpecSchema.parse(old)).toMatchObject({ watch: null, cron: null });
  expect(checkAppSpec(old, 'spec')).toMatchObject({ watch: null, cron: null });
});

test.each([
  ['the combined log', { combined: '/srv/logs/all.log' }, 'combined'],
  ['the date format', { time: true, dateFormat: 'YYYY-MM-DD HH:mm:ss Z' }, 'dateFormat'],
] as const)('%s: set, null, or absent (a spec saved before it existed) read the same on both sides', (_, set, key) => {
  const spec = { ...valid, logs: { ...valid.logs, ...set } };
  expect(appSpecSchema.parse(spec)).toEqual(spec);
  expect(checkAppSpec(spec, 'spec')).toEqual(spec);
  const logs = Object.fromEntries(Object.entries(valid.logs).filter(([k]) => k !== key));
  expect(appSpecSchema.parse({ ...valid, logs }).logs[key]).toBeNull();
  expect(checkAppSpec({ ...valid, logs }, 'spec').logs[key]).toBeNull();
});

test('signal and env params', () => {
  expect(primaryParams.signal({ signal: 'SIGUSR2', instance: null })).toEqual({ signal: 'SIGUSR2', instance: null });
  expect(() => primaryParams.signal({ signal: 'SIGBOGUS', instance: 0 })).toThrow(/signal params\.signal/);
  expect(() => primaryParams.env({ instance: -1 })).toThrow(/env params\.instance/);
});

test.each(broken)('%s: both refuse it', (_what, spec) => {
  expect(appSpecSchema.safeParse(spec).success).toBe(false);
  expect(handVerdict(spec)).toBe(false);
});

test('errors name the field and carry E_BAD_SPEC', () => {
  expect(() => primaryParams.init({ spec: { ...valid, instances: 0 } })).toThrow(/init params\.spec\.instances/);
  expect(thrownBy(() => primaryParams.scale({ instances: 'many' }))).toMatchObject({ code: 'E_BAD_SPEC' });
  expect(primaryParams.scale({ instances: 3 })).toEqual({ instances: 3 });
  expect(() => primaryParams.stop({ now: true })).toThrow(/unknown field/);
});
