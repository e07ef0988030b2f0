'use strict';
/**
 * 1. CLI latency with a warm daemon: what a person (or a deploy script that
 * polls) waits for on every command. `ls` runs with 2 apps × 2 workers so
 * it has a real table to fetch and render. The limit is `node -e 0`: the
 * cost of starting Node at all.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort } = require('../lib/probe');
const { run } = require('../lib/proc');

/** @param {import('../run').Context} ctx */
async function cliLatency(ctx) {
  const rounds = ctx.quick ? 3 : 15;
  const rows = {
    ls: newRow('ls, 2 apps × 2 workers', 'ms', { limitLabel: 'node -e 0', key: 'ls' }),
    ping: newRow('ping', 'ms', { limitLabel: 'node -e 0' }),
    version: newRow('--version', 'ms', { limitLabel: 'node -e 0' }),
  };
  const notes = [`${rounds} runs per command and engine, after 2 warm-up runs; stdout is a pipe, as in a script`];
  /** @type {Array<'clusterctl' | 'pm2' | 'limit'>} */
  const sides = ['limit'];

  for (const side of /** @type {const} */ (['clusterctl', 'pm2'])) {
    const engine = ctx.engines[side];
    if (!engine) {
      markUnavailable(Object.values(rows), side, ctx.skipped[side]);
      continue;
    }
    sides.push(side);
    try {
      for (let i = 0; i < 2; i++)
        await engine.startApp({ name: `cli-${i}`, script: ctx.apps.hello, instances: 2, port: await freePort() });
    } catch (err) {
      markUnavailable(rows.ls, side, err);
    }
  }

  /** @param {'clusterctl' | 'pm2' | 'limit'} side @param {keyof typeof rows} key */
  const once = async (side, key) => {
    if (side === 'limit') return run(process.execPath, ['-e', '0'], { env: ctx.env });
    const engine = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
    return engine.cli(engine.latencyCommands()[key]);
  };

  for (const key of /** @type {Array<keyof typeof rows>} */ (Object.keys(rows))) {
    const row = rows[key];
    const live = sides.filter((s) => !row.unavailable[s]);
    for (const side of live) for (let i = 0; i < 2; i++) await once(side, key);
    for (const { engine: side } of alternate(live, rounds)) {
      if (row.unavailable[side]) continue;
      const r = await once(side, key);
      if (r.code !== 0)
        markUnavailable(row, side, `exit ${r.code}: ${(r.stderr.trim() || r.stdout.trim()).split('\n')[0]}`);
      else push(row, side, r.ms);
    }
  }

  for (const side of /** @type {const} */ (['clusterctl', 'pm2'])) {
    const engine = ctx.engines[side];
    if (engine) for (let i = 0; i < 2; i++) await engine.deleteApp(`cli-${i}`).catch(() => undefined);
  }
  return { rows: Object.values(rows), notes };
}

module.exports = { id: 'cli', title: '1. CLI latency, warm daemon', run: cliLatency };
