/** The watch ignore rules and the cron expression check: pure functions, no process. */
import { globToRegExp, ignorePredicate } from '../../src/primary/mechanisms/watch-ignore';
import { cronProblem, watchSpecOf } from '../../src/config/triggers';

describe('globToRegExp', () => {
  test.each([
    ['*.log', 'a.log', true],
    ['*.log', 'a/b.log', false],
    ['public/**', 'public/a/b.css', true],
    ['src/*.js', 'src/a/b.js', false],
    ['?.txt', 'a.txt', true],
    ['a.b', 'axb', false],
  ])('%s on %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});

describe('ignorePredicate', () => {
  const ignored = ignorePredicate({
    cwd: '/app',
    dirs: ['/home/cc'],
    files: ['/app/out.log'],
    globs: ['*.tmp', 'public/**', '/app/data/*.db'],
  });
  test.each([
    ['/app/node_modules/x/index.js', true],
    ['/app/.git/HEAD', true],
    ['/home/cc/logs/web-out.log', true],
    ['/app/out.log', true],
    ['/app/out.log.1.gz', true],
    ['/app/out.logger.js', false],
    ['/app/upload/x.tmp', true],
    ['/app/public/css/a.css', true],
    ['/app/data/a.db', true],
    ['/app/server.js', false],
    ['/app/lib/node_modules_helper.js', false],
  ])('%s: %s', (path, expected) => {
    expect(ignored(path)).toBe(expected);
  });
});

describe('watchSpecOf and cronProblem', () => {
  test('true watches the cwd; paths resolve against it; false is no watch', () => {
    expect(watchSpecOf({ watch: true }, '/app')?.paths).toEqual(['/app']);
    expect(watchSpecOf({ watch: ['src', '/etc/x'] }, '/app')?.paths).toEqual(['/app/src', '/etc/x']);
    expect(watchSpecOf({ watch: false }, '/app')).toBeNull();
    expect(watchSpecOf({ watch: 'lib', delayMs: 50 }, '/app')).toMatchObject({ paths: ['/app/lib'], delayMs: 50 });
  });
  test('five and six fields pass; other counts, bad values and zones are explained', () => {
    expect(cronProblem('0 3 * * *', null)).toBeNull();
    expect(cronProblem('*/2 * * * * *', 'UTC')).toBeNull();
    expect(cronProblem('* * *', null)).toMatch(/expected 5 fields .* got 3/);
    expect(cronProblem('61 * * * *', null)).toMatch(/minute/);
    expect(cronProblem('0 3 * * *', 'Mars/Olympus')).toMatch(/unknown time zone "Mars\/Olympus"/);
  });
});
