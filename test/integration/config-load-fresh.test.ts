/**
 * A config file is read afresh on every load, in one long-lived process (the
 * programmatic API): CommonJS through a symlinked folder (require's cache is
 * keyed by the real path) and ESM (import()'s cache is keyed by URL). Run in
 * a plain Node process on dist/, because Jest replaces both module caches.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT, runNode } from '../helpers/sandbox';
import { useTempDir } from '../helpers/tmp';

const dir = useTempDir('fresh-');

it('sees every edit of a .config.js (through a symlink) and of a .config.mjs', async () => {
  mkdirSync(join(dir(), 'real'));
  symlinkSync(join(dir(), 'real'), join(dir(), 'link'));
  const script = `
    const fs = require('node:fs');
    const { loadConfigFile } = require(${JSON.stringify(join(ROOT, 'dist', 'config', 'file', 'load.js'))});
    const hello = ${JSON.stringify(join(FIXTURES, 'hello.js'))};
    const opts = { cwd: '/', home: ${JSON.stringify(dir())}, baseEnv: {} };
    const app = (n) => JSON.stringify({ apps: [{ name: 'a', script: hello, instances: n }] });
    (async () => {
      const seen = [];
      for (const [file, render] of [
        [${JSON.stringify(join(dir(), 'link', 'a.config.js'))}, (n) => 'module.exports = ' + app(n)],
        [${JSON.stringify(join(dir(), 'b.config.mjs'))}, (n) => 'export default ' + app(n)],
      ]) {
        for (const n of [2, 3]) {
          fs.writeFileSync(file, render(n));
          seen.push((await loadConfigFile(file, opts)).specs[0].instances);
        }
      }
      process.stdout.write(JSON.stringify(seen));
    })();
  `;
  const r = await runNode(['-e', script], { env: { PATH: process.env.PATH ?? '' } });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual([2, 3, 2, 3]);
});
