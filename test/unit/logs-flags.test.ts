/** The log flags of `start`, checked in the CLI before anything reaches the daemon. */
import { join } from 'node:path';
import { defaultSpec } from '../../src/config/defaults';
import { applyLogFlags } from '../../src/config/log-flags';
import { ClusterctlError } from '../../src/protocol/errors';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('logflags-');

const base = () => defaultSpec('/home/x/.clusterctl', 'api', '/srv/app.js', '/srv', {}).logs;

test('defaults: text, no time, 10 MiB, 5 rotated files, no gzip, files in the home, no combined log', () => {
  expect(applyLogFlags(base(), {}, dir())).toEqual({
    out: '/home/x/.clusterctl/logs/api-out.log',
    err: '/home/x/.clusterctl/logs/api-err.log',
    time: false,
    dateFormat: null,
    format: 'text',
    maxSize: 10 * 1024 * 1024,
    retain: 5,
    compress: false,
    combined: null,
  });
});

test('every flag lands in the spec; relative paths resolve against the caller', () => {
  const logs = applyLogFlags(
    base(),
    {
      out: 'o.log',
      err: '/dev/null',
      log: 'all.log',
      time: true,
      logFormat: 'json',
      logMaxSize: '1.5M',
      logRetain: '0',
      logCompress: true,
    },
    dir(),
  );
  expect(logs).toEqual({
    out: join(dir(), 'o.log'),
    err: '/dev/null',
    time: true,
    dateFormat: null,
    format: 'json',
    maxSize: 1.5 * 1024 * 1024,
    retain: 0,
    compress: true,
    combined: join(dir(), 'all.log'),
  });
  expect(applyLogFlags(base(), { log: '/dev/null' }, dir()).combined).toBe('/dev/null');
  expect(applyLogFlags(base(), { logMaxSize: '512K' }, dir()).maxSize).toBe(512 * 1024);
  expect(applyLogFlags(base(), { logMaxSize: '2048' }, dir()).maxSize).toBe(2048);
  // A date format turns the time on, as PM2's log_date_format does.
  expect(applyLogFlags(base(), { logDateFormat: 'YYYY-MM-DD HH:mm Z' }, dir())).toMatchObject({
    time: true,
    dateFormat: 'YYYY-MM-DD HH:mm Z',
  });
});

test.each([
  [{ logMaxSize: '100' }, /--log-max-size "100"/],
  [{ logMaxSize: 'big' }, /--log-max-size "big"/],
  [{ logRetain: '-1' }, /--log-retain "-1"/],
  [{ logRetain: '1001' }, /--log-retain "1001"/],
  [{ logFormat: 'xml' }, /--log-format "xml"/],
  [{ logDateFormat: ' ' }, /--log-date-format " ": must not be empty/],
  [{ logDateFormat: 'HH|mm' }, /--log-date-format "HH\|mm": must not contain "\|"/],
  [{ logDateFormat: 'HH\tmm' }, /--log-date-format .*: must not contain control characters/],
  [{ out: 'no/such/dir/o.log' }, /--out no\/such\/dir\/o.log: folder .* does not exist/],
  [{ log: 'no/such/dir/all.log' }, /--log no\/such\/dir\/all.log: folder .* does not exist/],
])('%j is a usage error', (flags, message) => {
  let err: unknown;
  try {
    applyLogFlags(base(), flags, dir());
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ClusterctlError);
  expect((err as ClusterctlError).code).toBe('E_USAGE');
  expect((err as ClusterctlError).message).toMatch(message);
});
