'use strict';
/**
 * 2. Throughput and p99 latency at `-i max`: a hello-world app (the
 * manager's own overhead dominates) and an app burning ~1 ms of CPU per
 * request (the app dominates), each with keep-alive connections and with a
 * new connection per request (where accept balancing in the primary costs
 * most). The limit is a raw node:cluster primary with as many workers.
 * Every engine's apps are started once and stay up; the load visits them
 * in turn, run by run.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort } = require('../lib/probe');
const { startLoad } = require('../lib/load');
const { cpuSnapshot, cpuMsBetween } = require('../lib/proc');

const CONNECTIONS = 32;

/** @param {import('../run').Context} ctx */
async function throughput(ctx) {
  // Many short runs rather than a few long ones: on a shared machine a median
  // over more interleaved runs shrugs off a burst of someone else's work.
  const rounds = ctx.quick ? 1 : 6;
  const durationMs = ctx.quick ? 1000 : 3000;
  const warmupMs = ctx.quick ? 300 : 2000;
  const notes = [
    `${ctx.maxInstances} workers each (-i max), ${CONNECTIONS} connections, ${rounds} run(s) of ${durationMs / 1000} s per engine after a ${warmupMs / 1000} s warm-up; the load generator shares the machine's ${ctx.cores} cores with the workers`,
  ];
  const apps = [
    { key: 'hello', script: ctx.apps.hello, label: 'hello world' },
    { key: 'cpu', script: ctx.apps.cpu, label: '1 ms CPU per request' },
  ];
  /** @type {Record<string, Record<string, number>>} port by side then app */
  const ports = {};
  /** @type {Record<string, unknown>} */
  const setupError = {};
  const sides = /** @type {const} */ (['limit', 'clusterctl', 'pm2']);
  const engineOf = (side) => (side === 'limit' ? ctx.engines.raw : ctx.engines[side]);

  for (const side of sides) {
    const engine = engineOf(side);
    if (!engine) {
      setupError[side] = ctx.skipped[side];
      continue;
    }
    ports[side] = {};
    try {
      for (const app of apps) {
        const port = await freePort();
        await engine.startApp({ name: `tp-${app.key}`, script: app.script, instances: ctx.maxInstances, port });
        ports[side][app.key] = port;
      }
    } catch (err) {
      setupError[side] = err;
    }
  }

  const rows = [];
  for (const app of apps) {
    for (const keepAlive of [true, false]) {
      const mode = keepAlive ? 'keep-alive' : 'new connection per request';
      const rps = newRow(`${app.label}, ${mode}: throughput`, 'req/s', {
        better: 'higher',
        limitLabel: 'raw node:cluster',
        key: `${app.key}-${keepAlive ? 'keepalive' : 'close'}-rps`,
      });
      const p99 = newRow(`${app.label}, ${mode}: p99 latency`, 'ms', { limitLabel: 'raw node:cluster' });
      const cpu = newRow(`${app.label}, ${mode}: CPU of all the engine's processes per 1,000 requests`, 'ms', {
        limitLabel: 'raw node:cluster',
      });
      const live = [];
      for (const side of sides) {
        if (ports[side]?.[app.key] === undefined) {
          markUnavailable([rps, p99, cpu], side, setupError[side] ?? 'not started');
        } else live.push(side);
      }
      for (const side of live)
        await startLoad({ port: ports[side][app.key], connections: CONNECTIONS, keepAlive, durationMs: warmupMs }).done;
      for (const { round, engine: side } of alternate(live, rounds)) {
        const engine = /** @type {NonNullable<ReturnType<typeof engineOf>>} */ (engineOf(side));
        // CPU per request drifts far less than throughput on a shared machine,
        // which also depends on how much CPU the scheduler hands out while other jobs run.
        const pids = engine.pids();
        const before = cpuSnapshot(pids);
        const r = await startLoad({ port: ports[side][app.key], connections: CONNECTIONS, keepAlive, durationMs }).done;
        const afterPids = engine.pids();
        const cpuMs = cpuMsBetween(before, cpuSnapshot([...new Set([...pids, ...afterPids])]));
        push(rps, side, r.rps);
        if (r.ok > 0) push(cpu, side, (cpuMs / r.ok) * 1000);
        if (r.latencyMs.p99 !== null) push(p99, side, r.latencyMs.p99);
        rps.runs.push({
          side,
          round,
          rps: Math.round(r.rps),
          cpuMs: Math.round(cpuMs),
          p50: r.latencyMs.p50,
          p99: r.latencyMs.p99,
          failed: r.failed,
          errors: r.errors,
        });
        if (r.failed > 0)
          notes.push(
            `${side}, ${app.label}, ${mode}, run ${round + 1}: ${r.failed} failed requests (${JSON.stringify(r.errors)}, non-2xx ${r.non2xx})`,
          );
      }
      rows.push(rps, p99, cpu);
    }
  }

  for (const side of sides) {
    const engine = engineOf(side);
    if (engine) for (const app of apps) await engine.deleteApp(`tp-${app.key}`).catch(() => undefined);
  }
  return { rows, notes };
}

module.exports = { id: 'throughput', title: '2. Throughput and p99 latency, -i max', run: throughput };
