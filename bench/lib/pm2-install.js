'use strict';
/**
 * PM2 as a comparison target: the current release, installed on demand with
 * `npm install --prefix <tmpdir> pm2@<latest>` and then moved into
 * bench/.cache/ (git-ignored) so a rerun does not download it again. It is
 * never a dependency of the package. When the registry cannot be reached,
 * the newest cached copy is used; with no cache, PM2 is skipped.
 */
const { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { run } = require('./proc');

/**
 * @typedef {{ available: true, bin: string, version: string, notice: string | null } | { available: false, reason: string }} Pm2Install
 */

/**
 * @param {string} cacheRoot bench/.cache
 * @param {(msg: string) => void} log
 * @returns {Promise<Pm2Install>}
 */
async function ensurePm2(cacheRoot, log) {
  mkdirSync(cacheRoot, { recursive: true });
  for (const d of readdirSync(cacheRoot))
    if (d.startsWith('installing-')) rmSync(join(cacheRoot, d), { recursive: true, force: true });
  const binOf = (dir) => join(dir, 'node_modules', 'pm2', 'bin', 'pm2');
  const npmEnv = {
    ...process.env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };

  let latest = null;
  try {
    // No retries: an unreachable registry should cost seconds, not npm's minute of back-off.
    const r = await run('npm', ['view', 'pm2', 'version', '--fetch-retries=0', '--fetch-timeout=15000'], {
      env: npmEnv,
      timeoutMs: 30000,
    });
    if (r.code === 0 && /^\d+\.\d+\.\d+/.test(r.stdout.trim())) latest = r.stdout.trim();
  } catch {
    /* npm missing or registry unreachable: handled below */
  }

  if (latest === null) {
    const cached = readdirSync(cacheRoot)
      .filter((d) => /^pm2-\d+\.\d+\.\d+$/.test(d) && existsSync(binOf(join(cacheRoot, d))))
      .sort((a, b) => compareVersions(a.slice(4), b.slice(4)));
    if (cached.length === 0)
      return {
        available: false,
        reason: `the npm registry is unreachable and no PM2 is cached in ${cacheRoot}: PM2 skipped`,
      };
    const dir = join(cacheRoot, cached[cached.length - 1]);
    return {
      available: true,
      bin: binOf(dir),
      version: installedVersion(dir),
      notice: `npm registry unreachable: using cached PM2 ${installedVersion(dir)}`,
    };
  }

  const dir = join(cacheRoot, `pm2-${latest}`);
  if (existsSync(binOf(dir))) return { available: true, bin: binOf(dir), version: installedVersion(dir), notice: null };

  log(`installing pm2@${latest} (comparison target only) into a temporary folder…`);
  // The temporary folder sits next to its final place so the rename is atomic: a
  // run interrupted mid-install never leaves a half-installed cache behind.
  const tmp = mkdtempSync(join(cacheRoot, 'installing-'));
  try {
    const r = await run('npm', ['install', '--prefix', tmp, '--no-save', '--no-package-lock', `pm2@${latest}`], {
      env: npmEnv,
      timeoutMs: 180000,
    });
    if (r.code !== 0 || !existsSync(binOf(tmp))) {
      const why = (r.stderr.trim().split('\n').pop() || `npm exited ${r.code}`).slice(0, 200);
      return { available: false, reason: `npm install pm2@${latest} failed (${why}): PM2 skipped` };
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return { available: true, bin: binOf(dir), version: installedVersion(dir), notice: null };
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

function installedVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', 'pm2', 'package.json'), 'utf8')).version;
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

module.exports = { ensurePm2 };
