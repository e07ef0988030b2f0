// Display names and their file form (src/protocol/app-name.ts): pure, no process.
import { appFileName, appNameProblem, isAppName, shellName, MAX_APP_NAME_BYTES } from '../../src/protocol/app-name';
import {
  defaultCombinedLogPath,
  defaultLogPaths,
  primaryLogPath,
  primaryLockName,
  primarySocketPath,
} from '../../src/protocol/paths';

describe('appFileName', () => {
  it('keeps every name of the old pattern as it is, so old homes keep their paths', () => {
    for (const name of ['web', 'api-1', 'a.b_c-d', 'App2', 'x'.repeat(64), 'api-', 'a--b', 'v1.']) {
      expect(appFileName(name)).toBe(name);
    }
  });

  it('turns each run of other characters into one "-" and drops separators at the ends', () => {
    expect(appFileName('NearBy Server')).toBe('NearBy-Server');
    expect(appFileName('my   app')).toBe('my-app');
    expect(appFileName(' padded ')).toBe('padded');
    expect(appFileName('a & b (c)')).toBe('a-b-c');
    expect(appFileName('.hidden')).toBe('hidden');
    expect(appFileName('-web')).toBe('web');
    expect(appFileName('café api')).toBe('caf-api');
    expect(appFileName('日本語 api')).toBe('api');
    expect(appFileName('a\\b:c')).toBe('a-b-c');
  });

  it('gives a name with no ASCII letter or digit a stable hashed form', () => {
    const form = appFileName('日本語');
    expect(form).toMatch(/^app-[0-9a-f]{8}$/);
    expect(appFileName('日本語')).toBe(form);
    expect(appFileName('中文')).not.toBe(form);
    expect(appFileName('...')).toMatch(/^app-[0-9a-f]{8}$/);
  });

  it('is only ever made of file-name characters and never longer than the name in bytes', () => {
    for (const name of ['NearBy Server', '☕☕ x ☕', 'é'.repeat(64), 'a b'.repeat(40), '%$#@!', '..']) {
      const form = appFileName(name);
      expect(form).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(form.length).toBeLessThanOrEqual(Math.max(12, Buffer.byteLength(name)));
    }
  });

  it('is what every path on disk uses', () => {
    expect(primarySocketPath('/h', 'NearBy Server')).toBe('/h/run/NearBy-Server.sock');
    expect(primaryLogPath('/h', 'NearBy Server')).toBe('/h/logs/NearBy-Server-primary.log');
    expect(defaultLogPaths('/h', 'NearBy Server')).toEqual({
      out: '/h/logs/NearBy-Server-out.log',
      err: '/h/logs/NearBy-Server-err.log',
    });
    expect(primarySocketPath('/h', 'web')).toBe('/h/run/web.sock');
    expect(defaultCombinedLogPath('/h', 'NearBy Server')).toBe('/h/logs/NearBy-Server-combined.log');
    expect(primaryLockName('/h', 'my app')).toBe(primaryLockName('/h', 'my-app'));
    expect(primaryLockName('/h', 'web')).toMatch(/-app:web$/);
  });
});

describe('appNameProblem', () => {
  it('takes any name PM2 takes', () => {
    for (const name of ['NearBy Server', 'web', '-x', '.x', 'é', '日本語 api', '1', 'x'.repeat(MAX_APP_NAME_BYTES)]) {
      expect(appNameProblem(name)).toBeNull();
      expect(isAppName(name)).toBe(true);
    }
  });

  it('says why a name is refused', () => {
    expect(appNameProblem('')).toBe('it is empty');
    expect(appNameProblem('a/b')).toMatch(/contains "\/"/);
    expect(appNameProblem('a\nb')).toMatch(/control character/);
    expect(appNameProblem('a\tb')).toMatch(/control character/);
    expect(appNameProblem('a\u001b[31mb')).toMatch(/control character/);
    expect(appNameProblem('a\u2028b')).toMatch(/control character/);
    expect(appNameProblem('   ')).toBe('it is only spaces');
    expect(appNameProblem('x'.repeat(129))).toBe('it is 129 bytes long (at most 128)');
    expect(appNameProblem('é'.repeat(65))).toBe('it is 130 bytes long (at most 128)');
  });
});

test('shellName quotes a name for a command an error message suggests', () => {
  expect(shellName('web')).toBe('web');
  expect(shellName('NearBy Server')).toBe("'NearBy Server'");
  expect(shellName("it's")).toBe("'it'\\''s'");
});
