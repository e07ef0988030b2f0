'use strict';
/**
 * 5. Log capture: one worker writes 100,000 lines of 100 bytes to stdout as
 * fast as the pipe takes them (one write per line). Figures: time from the
 * trigger until every line is in the log file, lines lost, and the latency
 * of `ls` run back to back during the flood (is the manager still
 * responsive?). The limit is the same app with its stdout opened straight on
 * a file: no manager in the way at all.
 */
const { performance } = require('node:perf_hooks');
const { join } = require('node:path');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort, httpGet } = require('../lib/probe');
const { sleep, cpuSnapshot, cpuMsBetween } = require('../lib/proc');
const { LineCounter } = require('../lib/line-counter');

const LINES = 100000;
const STALL_MS = 10000;
const DEADLINE_MS = 120000;

/** @param {import('../run').Context} ctx */
async function logs(ctx) {
  const rounds = ctx.quick ? 1 : 5;
  const notes = [
    `${LINES.toLocaleString('en')} lines × 100 bytes from one worker, ${rounds} flood(s) per engine; a flood ends when every line is in the file, or after ${STALL_MS / 1000} s without a new line`,
  ];
  const sides = /** @type {const} */ (['limit', 'clusterctl', 'pm2']);
  const tmp = mkdtempSync(join(tmpdir(), 'clusterctl-bench-logs-'));
  /** @type {Record<string, { port: number, file: string }>} */
  const targets = {};
  /** @type {Record<string, unknown>} */
  const setupError = {};

  for (const side of sides) {
    try {
      const port = await freePort();
      if (side === 'limit') {
        const file = join(tmp, 'direct.log');
        await ctx.engines.direct.startApp({ name: 'flood', script: ctx.apps.flood, instances: 1, port, logFile: file });
        targets[side] = { port, file };
        continue;
      }
      const engine = ctx.engines[side];
      if (!engine) {
        setupError[side] = ctx.skipped[side];
        continue;
      }
      if (side === 'pm2') {
        const file = join(engine.home, 'logs', 'flood-out.log');
        await engine.startApp({ name: 'flood', script: ctx.apps.flood, instances: 1, port, logFile: file });
        targets[side] = { port, file };
      } else {
        const ce = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (engine);
        await ce.startApp({ name: 'flood', script: ctx.apps.flood, instances: 1, port });
        targets[side] = { port, file: await ce.logFile('flood') };
      }
    } catch (err) {
      setupError[side] = err;
    }
  }

  const toDisk = newRow(`${LINES.toLocaleString('en')} lines: time until all on disk`, 'ms', {
    limitLabel: 'stdout to a file',
    key: 'flush-ms',
  });
  const lost = newRow('lines lost', 'lines', { limitLabel: 'stdout to a file', key: 'lost' });
  const lsDuring = newRow('ls during the flood', 'ms');
  const cpu = newRow("CPU to write and move the lines, all the engine's processes", 'ms', {
    limitLabel: 'stdout to a file',
  });
  const live = [];
  for (const side of sides) {
    if (!targets[side]) markUnavailable([toDisk, lost, lsDuring, cpu], side, setupError[side] ?? 'not started');
    else live.push(side);
  }

  let runId = 0;
  for (const { round, engine: side } of alternate(live, rounds)) {
    runId++;
    const { port, file } = targets[side];
    const counter = new LineCounter(file, runId, LINES);
    // Taken before the ls loop starts, so the short-lived CLI processes (which
    // carry the engine's home too) are not counted: only daemon, primary, worker.
    const engineForCpu =
      side === 'limit'
        ? ctx.engines.direct
        : /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
    const cpuBefore = cpuSnapshot(engineForCpu.pids());
    const t0 = performance.now();
    let triggerDone = false;
    let triggerError = null;
    httpGet(port, `/flood?run=${runId}&lines=${LINES}`, DEADLINE_MS).then(
      () => (triggerDone = true),
      (err) => {
        triggerDone = true;
        triggerError = err;
      },
    );
    let complete = false;
    /** @type {number[]} */
    const lsMs = [];
    const lsLoop = (async () => {
      if (side === 'limit') return;
      const engine = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
      while (!complete) {
        // Every ls that started before the last line landed counts as "during".
        const r = await engine.cli(engine.latencyCommands().ls);
        if (r.code === 0) lsMs.push(r.ms);
      }
    })();
    let lastCount = 0;
    let lastGrowth = performance.now();
    /** @type {number | null} */
    let doneAt = null;
    for (;;) {
      const n = counter.poll();
      const now = performance.now();
      if (n >= LINES) {
        doneAt = now;
        break;
      }
      if (n > lastCount) {
        lastCount = n;
        lastGrowth = now;
      }
      if ((triggerDone && now - lastGrowth > STALL_MS) || now - t0 > DEADLINE_MS) break;
      await sleep(20);
    }
    const cpuMs = cpuMsBetween(cpuBefore, cpuSnapshot([...cpuBefore.keys()]));
    complete = true;
    await lsLoop;
    // Late lines after a stall still count as delivered, not lost.
    await sleep(200);
    counter.poll();
    counter.close();
    const missing = LINES - counter.unique;
    push(lost, side, missing);
    if (doneAt !== null) {
      push(toDisk, side, doneAt - t0);
      push(cpu, side, cpuMs);
    }
    for (const ms of lsMs) push(lsDuring, side, ms);
    toDisk.runs.push({
      side,
      round,
      ms: doneAt === null ? null : doneAt - t0,
      unique: counter.unique,
      duplicates: counter.duplicates,
      lsSamples: lsMs.length,
      triggerError: triggerError ? String(triggerError) : null,
    });
    if (doneAt === null)
      notes.push(`${side}, run ${round + 1}: only ${counter.unique} of ${LINES} lines reached ${file}`);
    if (counter.duplicates > 0) notes.push(`${side}, run ${round + 1}: ${counter.duplicates} duplicated lines`);
  }

  for (const side of sides) {
    const engine = side === 'limit' ? ctx.engines.direct : ctx.engines[side];
    if (engine && targets[side]) await engine.deleteApp('flood').catch(() => undefined);
  }
  rmSync(tmp, { recursive: true, force: true });
  return { rows: [toDisk, lost, lsDuring, cpu], notes };
}

module.exports = { id: 'logs', title: '5. Log capture: a flood of 100,000 lines', run: logs };
