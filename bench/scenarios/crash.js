'use strict';
/**
 * 4. Crash recovery: under keep-alive load, SIGKILL one worker (a pid taken
 * from the responses, so it is certainly one that serves) and time until a
 * response comes from a pid never seen before: its replacement, serving.
 * Failed requests are the ones the dead worker held (no manager can save
 * those) plus any failure while it is replaced. The limit is a raw
 * node:cluster primary that forks a replacement on 'exit' at once.
 */
const { performance } = require('node:perf_hooks');
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort, pidOf } = require('../lib/probe');
const { startLoad } = require('../lib/load');
const { sleep, waitFor, isAlive } = require('../lib/proc');

const CONNECTIONS = 32;
const PROBES = 4;

/** @param {import('../run').Context} ctx */
async function crash(ctx) {
  const rounds = ctx.quick ? 1 : 5;
  const notes = [
    `${ctx.maxInstances} workers, ${CONNECTIONS} keep-alive connections plus ${PROBES} with a new connection per request, ${rounds} kill(s) per engine, each of a freshly started app; recovery = kill -9 → first response from a new pid`,
  ];
  const sides = /** @type {const} */ (['limit', 'clusterctl', 'pm2']);
  const engineOf = (side) => (side === 'limit' ? ctx.engines.raw : ctx.engines[side]);
  const recovery = newRow('kill -9 of a worker → replacement serving', 'ms', {
    limitLabel: 'raw primary re-forking at once',
    key: 'recovery',
  });
  const failed = newRow('failed requests per kill', 'requests', {
    limitLabel: 'raw primary re-forking at once',
  });
  const live = [];
  for (const side of sides) {
    if (!engineOf(side)) {
      markUnavailable([recovery, failed], side, ctx.skipped[side] ?? 'not started');
    } else live.push(side);
  }

  for (const { round, engine: side } of alternate(live, rounds)) {
    if (recovery.unavailable[side]) continue;
    const engine = /** @type {NonNullable<ReturnType<typeof engineOf>>} */ (engineOf(side));
    // A fresh app for every kill: each kill is then the first crash of its
    // instance, as a crash in production usually is. Killing one app again and
    // again would measure the restart backoff growing (clusterctl waits 100 ms,
    // then ×1.5 per restart until a worker stays up 30 s), not recovery.
    const name = `crash-${round}`;
    const port = await freePort();
    try {
      await engine.startApp({ name, script: ctx.apps.hello, instances: ctx.maxInstances, port });
    } catch (err) {
      markUnavailable([recovery, failed], side, err);
      continue;
    }
    const seen = new Set();
    /** @type {number | null} */
    let killedAt = null;
    /** @type {number | null} */
    let recoveredAt = null;
    const onResponse = (status, body) => {
      const pid = pidOf(body);
      if (pid === null) return;
      if (killedAt === null) seen.add(pid);
      else if (recoveredAt === null && !seen.has(pid)) recoveredAt = performance.now();
    };
    // Keep-alive clients stay on the worker they reached: after the kill they all
    // reconnect to the survivor and would never meet the replacement. A few
    // clients that open a new connection per request see it as soon as the
    // primary routes to it, and their failures count too.
    const load = startLoad({ port, connections: CONNECTIONS, keepAlive: true, maxMs: 120000, onResponse });
    const probe = startLoad({ port, connections: PROBES, keepAlive: false, maxMs: 120000, onResponse });
    await sleep(1000);
    const victim = [...seen].find(isAlive);
    if (victim === undefined) {
      await load.stop();
      await probe.stop();
      markUnavailable(recovery, side, 'no worker answered in the first second');
      await engine.deleteApp(name).catch(() => undefined);
      continue;
    }
    const failedBefore = load.failedSoFar() + probe.failedSoFar();
    killedAt = performance.now();
    process.kill(victim, 'SIGKILL');
    const ok = await waitFor(() => recoveredAt !== null, { timeoutMs: 30000, intervalMs: 10 }).then(
      () => true,
      () => false,
    );
    await sleep(500);
    const res = await load.stop();
    const pres = await probe.stop();
    const lost = res.failed + pres.failed - failedBefore;
    push(failed, side, lost);
    if (ok && recoveredAt !== null) push(recovery, side, recoveredAt - killedAt);
    else notes.push(`${side}, run ${round + 1}: no new worker served within 30 s of the kill`);
    failed.runs.push({
      side,
      round,
      victim,
      recoveryMs: ok && recoveredAt !== null ? recoveredAt - killedAt : null,
      failed: lost,
      errors: res.errors,
      probeErrors: pres.errors,
    });
    await engine.deleteApp(name).catch(() => undefined);
  }
  return { rows: [recovery, failed], notes };
}

module.exports = { id: 'crash', title: '4. Crash recovery under load', run: crash };
