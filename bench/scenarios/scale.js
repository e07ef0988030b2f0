'use strict';
/**
 * 7. Scale: many apps × 2 workers under one manager. Figures: `ls` latency
 * (the daemon gathers and the CLI renders 100 rows) and the CPU the manager
 * burns while nothing happens (status polling, metrics sampling). One engine
 * at a time: 50 apps × 2 workers is 150 to 200 Node processes per engine,
 * and two such sets at once would starve a 2-core machine others share; the
 * `ls` runs still alternate with the `node -e 0` limit.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort } = require('../lib/probe');
const { run, sleep, cpuTicks, ticksPerSecond } = require('../lib/proc');
const { performance } = require('node:perf_hooks');

/**
 * CPU of some processes over windows of windowMs, with nothing else
 * happening: per window, the ms of CPU of the first `firstCount` pids and of
 * all of them, each scaled to 10 s of wall time.
 * @param {number[]} pids
 * @param {number} firstCount
 * @param {number} windowMs
 * @param {number} windows
 */
async function idleCpu(pids, firstCount, windowMs, windows) {
  const out = [];
  for (let w = 0; w < windows; w++) {
    const before = pids.map((p) => cpuTicks(p) ?? 0);
    const t0 = performance.now();
    await sleep(windowMs);
    const after = pids.map((p) => cpuTicks(p) ?? 0);
    const per10s = 10000 / (performance.now() - t0);
    const ms = (from, to) => {
      let ticks = 0;
      for (let i = from; i < to; i++) ticks += Math.max(0, after[i] - before[i]);
      return (ticks / ticksPerSecond()) * 1000 * per10s;
    };
    out.push({ first: ms(0, firstCount), all: ms(0, pids.length) });
  }
  return out;
}

/** @param {import('../run').Context} ctx */
async function scale(ctx) {
  const apps = ctx.quick ? 6 : 50;
  const rounds = ctx.quick ? 3 : 10;
  const settleMs = ctx.quick ? 1000 : 3000;
  const windowMs = ctx.quick ? 2000 : 10000;
  const windows = ctx.quick ? 1 : 3;
  const notes = [
    `${apps} apps × 2 workers (hello world), one engine at a time; ${rounds} ls runs alternating with node -e 0; idle CPU measured over ${windows} window(s) of ${windowMs / 1000} s with no command running, after ${settleMs / 1000} s of settling, scaled to ms per 10 s; managers are the daemon plus, for clusterctl, the app primaries (PM2's daemon is the primary of every app)`,
  ];
  const ls = newRow(`ls, ${apps} apps × 2 workers`, 'ms', { limitLabel: 'node -e 0', key: 'ls' });
  const startAll = newRow(`start ${apps} apps one after another`, 's');
  const daemonCpu = newRow(`daemon CPU, idle, ${apps} apps × 2 workers`, 'ms per 10 s');
  const managerCpu = newRow(`all manager processes CPU, idle, ${apps} apps × 2 workers`, 'ms per 10 s', {
    limitLabel: 'zero',
    key: 'idle-cpu',
  });

  for (const side of /** @type {const} */ (['clusterctl', 'pm2'])) {
    const engine = ctx.engines[side];
    if (!engine) {
      markUnavailable([ls, startAll, daemonCpu, managerCpu], side, ctx.skipped[side]);
      continue;
    }
    let started = 0;
    try {
      const t0 = performance.now();
      for (let i = 0; i < apps; i++) {
        await engine.startApp({ name: `scale-${i}`, script: ctx.apps.hello, instances: 2, port: await freePort() });
        started++;
      }
      push(startAll, side, (performance.now() - t0) / 1000);
      await sleep(settleMs);
      const m = await engine.managerPids();
      if (!m.daemon) throw new Error('no daemon pid');
      for (const w of await idleCpu([m.daemon, ...m.primaries], 1, windowMs, windows)) {
        push(daemonCpu, side, w.first);
        push(managerCpu, side, w.all);
      }
      managerCpu.runs.push({ side, primaries: m.primaries.length });
      const cmd = engine.latencyCommands().ls;
      for (let i = 0; i < 2; i++) await engine.cli(cmd);
      for (const { engine: who } of alternate([side, 'limit'], rounds)) {
        if (who === 'limit') {
          push(ls, 'limit', (await run(process.execPath, ['-e', '0'], { env: ctx.env })).ms);
          continue;
        }
        const r = await engine.cli(cmd, 120000);
        if (r.code !== 0) throw new Error(`ls exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
        push(ls, side, r.ms);
      }
    } catch (err) {
      const why =
        started < apps ? `after ${started} of ${apps} apps: ${err instanceof Error ? err.message : err}` : err;
      for (const row of [ls, startAll, daemonCpu, managerCpu]) if (!row.values[side]) markUnavailable(row, side, why);
    }
    if (started > 0) await engine.deleteAll().catch(() => undefined);
  }
  // No manager, no idle CPU: the limit is zero by definition.
  managerCpu.values.limit = [0];
  return { rows: [ls, startAll, daemonCpu, managerCpu], notes };
}

module.exports = { id: 'scale', title: '7. Scale: many apps under one daemon', run: scale };
