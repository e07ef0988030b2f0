'use strict';
/**
 * 3. Reload under load: a 4-worker hello app serves a steady load while the
 * manager replaces every worker. Figures: failed requests per reload
 * (non-2xx, socket errors, closes before a response, timeouts) and the
 * reload command's wall time. The limit is what a reload should cost a
 * client: zero failed requests. Each run also checks that the reload really
 * happened: no pid that served before the reload may serve after it.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort, pidOf } = require('../lib/probe');
const { startLoad } = require('../lib/load');
const { sleep } = require('../lib/proc');

const CONNECTIONS = 32;
const WORKERS = 4;

/** @param {import('../run').Context} ctx */
async function reload(ctx) {
  const rounds = ctx.quick ? 1 : 3;
  const notes = [
    `${WORKERS} workers, ${CONNECTIONS} connections; load runs 1 s before and 1 s after each reload; ${rounds} reload(s) per engine and mode; limit: 0 failed requests`,
  ];
  const sides = /** @type {const} */ (['clusterctl', 'pm2']);
  /** @type {Record<string, number>} */
  const ports = {};
  /** @type {Record<string, unknown>} */
  const setupError = {};
  for (const side of sides) {
    const engine = ctx.engines[side];
    if (!engine) {
      setupError[side] = ctx.skipped[side];
      continue;
    }
    try {
      const port = await freePort();
      await engine.startApp({ name: 'reload-hello', script: ctx.apps.hello, instances: WORKERS, port });
      ports[side] = port;
    } catch (err) {
      setupError[side] = err;
    }
  }

  const rows = [];
  for (const keepAlive of [true, false]) {
    const mode = keepAlive ? 'keep-alive' : 'new connection per request';
    const failed = newRow(`${mode}: failed requests per reload`, 'requests', {
      limitLabel: 'zero',
      key: keepAlive ? 'keepalive-failed' : 'close-failed',
    });
    const wall = newRow(`${mode}: reload wall time`, 'ms');
    const live = [];
    for (const side of sides) {
      if (ports[side] === undefined) {
        markUnavailable([failed, wall], side, setupError[side] ?? 'not started');
      } else live.push(side);
    }
    for (const { round, engine: side } of alternate(live, rounds)) {
      if (failed.unavailable[side]) continue;
      const engine = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
      /** @type {'before' | 'during' | 'settling' | 'after'} */
      let phase = 'before';
      const before = new Set();
      const after = new Set();
      const load = startLoad({
        port: ports[side],
        connections: CONNECTIONS,
        keepAlive,
        maxMs: 300000,
        onResponse: (status, body) => {
          if (phase !== 'before' && phase !== 'after') return;
          const pid = pidOf(body);
          if (pid !== null) (phase === 'before' ? before : after).add(pid);
        },
      });
      await sleep(1000);
      phase = 'during';
      let r;
      try {
        r = await engine.reload('reload-hello');
      } catch (err) {
        await load.stop();
        markUnavailable([failed, wall], side, err);
        continue;
      }
      // Old workers may finish the requests they hold for a moment after the command returns.
      phase = 'settling';
      await sleep(500);
      phase = 'after';
      await sleep(500);
      const res = await load.stop();
      const stale = [...after].filter((p) => before.has(p));
      push(failed, side, res.failed);
      push(wall, side, r.ms);
      failed.runs.push({
        side,
        round,
        failed: res.failed,
        non2xx: res.non2xx,
        errors: res.errors,
        served: res.ok,
        pidsBefore: [...before],
        pidsAfter: [...after],
      });
      if (stale.length > 0)
        notes.push(
          `${side}, ${mode}, run ${round + 1}: pids ${stale.join(', ')} still served after the reload returned`,
        );
      if (res.failed > 0)
        notes.push(
          `${side}, ${mode}, run ${round + 1}: ${res.failed} failed (${JSON.stringify(res.errors)}, non-2xx ${res.non2xx}) of ${res.ok + res.failed}`,
        );
    }
    failed.values.limit = Array.from({ length: Math.max(1, (failed.values.clusterctl ?? []).length) }, () => 0);
    rows.push(failed, wall);
  }

  for (const side of sides) {
    const engine = ctx.engines[side];
    if (engine && ports[side] !== undefined) await engine.deleteApp('reload-hello').catch(() => undefined);
  }
  return { rows, notes };
}

module.exports = { id: 'reload', title: '3. Reload of a 4-worker app under load', run: reload };
