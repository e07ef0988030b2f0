'use strict';
/**
 * 2. Throughput and p99 latency at `-i max`: a hello-world app (the
 * manager's own overhead dominates) and an app burning ~1 ms of CPU per
 * request (the app dominates), each with keep-alive connections and with a
 * new connection per request (where accept balancing in the primary costs
 * most). The limit is a raw node:cluster primary with as many workers.
 * Every engine's apps are started once and stay up; the load visits them
 * in turn, run by run.
 *
 * The new-connection rows also run a second raw primary (the A/A control,
 * "limit again"): two identical engines differ by several per cent on a
 * shared machine, and that spread is the resolution of the row's ratio.
 * They warm each engine up for 10 s and on to 15,000 connections: the
 * workers' JIT keeps compiling for the first ~13,000, even after the
 * keep-alive runs (`--trace-opt`, bench/PROFILE.md §6), and a run inside
 * that phase measures the compiler.
 * The warm-up goes by the second, and its rates are in the notes, so every
 * run shows whether the rate had settled.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternateBothWays } = require('../lib/stats');
const { freePort } = require('../lib/probe');
const { startLoad } = require('../lib/load');
const { cpuNsSnapshot } = require('../lib/proc');
const { median } = require('../lib/stats');

const CONNECTIONS = 32;

/**
 * Per app and mode: runs, warm-up, and whether the A/A control takes part.
 * Keep-alive compiles for ~3 s on fresh workers (~35,000 requests), so 4 s
 * of warm-up. The hello app's new-connection row is the one with a target
 * (issue 15): 10 runs; the 1 ms CPU app's, where the app dominates, 8, which
 * keeps the scenario ~3 minutes longer than it was, not more.
 * @param {boolean} quick
 * @param {boolean} keepAlive
 * @param {string} appKey
 */
function plan(quick, keepAlive, appKey) {
  if (quick) return { rounds: 1, durationMs: 1000, warm: { minMs: keepAlive ? 300 : 1000 }, aa: !keepAlive };
  if (keepAlive) return { rounds: 6, durationMs: 3000, warm: { minMs: 4000 }, aa: false };
  // 10 s is ~30,000 connections on 2 idle cores; a loaded box serves a third of
  // that, so the warm-up goes on to 15,000 connections, up to 20 s.
  const warm = { minMs: 10000, requests: 15000, maxMs: 20000 };
  return { rounds: appKey === 'hello' ? 10 : 8, durationMs: 3000, warm, aa: true };
}

/**
 * Load one engine in slices of a second (a slice is a fresh set of
 * connections, which is the new-connection mode's point anyway) for minMs,
 * then on until it has answered `requests` in all, for maxMs at most.
 * @param {number} port
 * @param {boolean} keepAlive
 * @param {{ minMs: number, requests?: number, maxMs?: number }} w
 * @returns {Promise<{ rates: number[], ok: number }>} req/s of each slice, requests answered
 */
async function warmUp(port, keepAlive, w) {
  const rates = [];
  let ok = 0;
  const maxMs = Math.max(w.minMs, w.maxMs ?? w.minMs);
  for (let spent = 0; spent < maxMs && (spent < w.minMs || ok < (w.requests ?? 0)); spent += 1000) {
    const sliceMs = Math.min(1000, (spent < w.minMs ? w.minMs : maxMs) - spent);
    const r = await startLoad({ port, connections: CONNECTIONS, keepAlive, durationMs: sliceMs }).done;
    rates.push(Math.round(r.rps));
    ok += r.ok;
  }
  return { rates, ok };
}

/** @typedef {'daemon' | 'primary' | 'workers' | 'load'} Role */

/**
 * CPU nanoseconds between two snapshots, split by what each process is to
 * its engine: the daemon (PM2's is also every app's primary), an app's
 * primary, or a worker (everything else it runs).
 * @param {Map<number, number>} before
 * @param {Map<number, number>} after
 * @param {{ daemon: number | null, primaries: number[] }} managers
 */
function nsByRole(before, after, managers) {
  const out = { daemon: 0, primary: 0, workers: 0 };
  for (const [pid, t] of after) {
    const role = pid === managers.daemon ? 'daemon' : managers.primaries.includes(pid) ? 'primary' : 'workers';
    out[role] += t - (before.get(pid) ?? 0);
  }
  return out;
}

/**
 * One line saying which process pays for a request, from the medians of the
 * runs: the question the new-connection row's ratio alone cannot answer.
 * @param {Record<string, Array<Record<Role, number>>>} split
 */
function splitNote(split) {
  const parts = Object.entries(split).map(([side, runs]) => {
    /** @param {Role} k */
    const med = (k) => (median(runs.map((x) => x[k])) ?? 0).toFixed(0);
    const daemon = side === 'clusterctl' || side === 'pm2' ? `daemon ${med('daemon')}, ` : '';
    return `${SIDE_NAMES[side]} ${daemon}primary ${med('primary')}, workers ${med('workers')} (load generator ${med('load')})`;
  });
  return `CPU in µs per request by process (schedstat, medians of the runs): ${parts.join('; ')}`;
}

const SIDE_NAMES = { limit: 'raw', aa: 'raw again (A/A)', clusterctl: 'clusterctl', pm2: 'PM2' };

/** @param {import('../run').Context} ctx */
async function throughput(ctx) {
  // Many short runs rather than a few long ones: on a shared machine a median
  // over more interleaved runs shrugs off a burst of someone else's work.
  const ka = plan(ctx.quick, true, 'hello');
  const nc = plan(ctx.quick, false, 'hello');
  const ncCpu = plan(ctx.quick, false, 'cpu');
  const notes = [
    `${ctx.maxInstances} workers each (-i max), ${CONNECTIONS} connections; keep-alive: ${ka.rounds} run(s) of ${ka.durationMs / 1000} s per engine after a ${ka.warm.minMs / 1000} s warm-up; new connection per request: ${nc.rounds} (1 ms CPU app: ${ncCpu.rounds}) run(s) of ${nc.durationMs / 1000} s after a warm-up of ${nc.warm.minMs / 1000} s${nc.warm.requests ? ` or more, until ${nc.warm.requests} connections (at most ${(nc.warm.maxMs ?? 0) / 1000} s)` : ''}, a second raw primary (limit again, A/A) taking turns with the others; the load generator shares the machine's ${ctx.cores} cores with the workers`,
  ];
  const apps = [
    { key: 'hello', script: ctx.apps.hello, label: 'hello world' },
    { key: 'cpu', script: ctx.apps.cpu, label: '1 ms CPU per request' },
  ];
  /** @type {Record<string, Record<string, number>>} port by side then app */
  const ports = {};
  /** @type {Record<string, unknown>} */
  const setupError = {};
  const sides = /** @type {const} */ (['limit', 'clusterctl', 'pm2', 'aa']);
  /** @param {typeof sides[number]} side */
  const engineOf = (side) =>
    side === 'limit' ? ctx.engines.raw : side === 'aa' ? ctx.engines.rawAgain : ctx.engines[side];

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
      const { rounds, durationMs, warm: warmPlan, aa } = plan(ctx.quick, keepAlive, app.key);
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
        if (side === 'aa' && !aa) continue;
        if (ports[side]?.[app.key] === undefined) {
          markUnavailable([rps, p99, cpu], side, setupError[side] ?? 'not started');
        } else live.push(side);
      }
      const warm = [];
      for (const side of live) {
        const { rates, ok } = await warmUp(ports[side][app.key], keepAlive, warmPlan);
        rps.runs.push({ side, warmup: rates, warmupRequests: ok });
        warm.push(`${SIDE_NAMES[side]} ${rates.join(' ')} (${ok} connections)`);
      }
      if (!keepAlive) notes.push(`${app.label}, ${mode}: warm-up req/s, second by second: ${warm.join('; ')}`);
      /** @type {Record<string, { daemon: number | null, primaries: number[] }>} */
      const managers = {};
      for (const side of live) managers[side] = await engineOf(side).managerPids();
      /** @type {Record<string, Array<Record<Role, number>>>} µs per request by role, run by run */
      const split = {};
      for (const { round, engine: side } of alternateBothWays(live, rounds)) {
        const engine = /** @type {NonNullable<ReturnType<typeof engineOf>>} */ (engineOf(side));
        // CPU per request drifts far less than throughput on a shared machine,
        // which also depends on how much CPU the scheduler hands out while other jobs run.
        const pids = engine.pids();
        const before = cpuNsSnapshot(pids);
        const load0 = process.cpuUsage();
        const r = await startLoad({ port: ports[side][app.key], connections: CONNECTIONS, keepAlive, durationMs }).done;
        const load = process.cpuUsage(load0);
        const afterPids = engine.pids();
        const byRole = nsByRole(before, cpuNsSnapshot([...new Set([...pids, ...afterPids])]), managers[side]);
        const cpuMs = (byRole.daemon + byRole.primary + byRole.workers) / 1e6;
        push(rps, side, r.rps);
        if (r.ok > 0) {
          push(cpu, side, (cpuMs / r.ok) * 1000);
          const us = (ns) => ns / 1000 / r.ok;
          (split[side] ??= []).push({
            daemon: us(byRole.daemon),
            primary: us(byRole.primary),
            workers: us(byRole.workers),
            load: (load.user + load.system) / r.ok,
          });
        }
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
            `${SIDE_NAMES[side]}, ${app.label}, ${mode}, run ${round + 1}: ${r.failed} failed requests (${JSON.stringify(r.errors)}, non-2xx ${r.non2xx})`,
          );
      }
      if (!keepAlive) notes.push(`${app.label}, ${mode}: ${splitNote(split)}`);
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
