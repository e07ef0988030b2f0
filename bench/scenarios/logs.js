'use strict';
/**
 * 5. Log capture: one worker writes 100,000 lines of 100 bytes to stdout as
 * fast as the pipe takes them (one write per line). Figures: time from the
 * trigger until every line is in the log file, lines lost, and the latency
 * of `ls` run back to back during a second flood (is the manager still
 * responsive?); the time is taken in a flood of its own, with no CLI
 * competing for the cores. The limit is the same app with its stdout opened straight on
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
    `${LINES.toLocaleString('en')} lines × 100 bytes from one worker, ${rounds} timed flood(s) per engine with nothing else running, each followed by one more flood with \`ls\` run back to back (the "ls during the flood" row; its lines are counted in "lines lost" too); a flood ends when every line is in the file, or after ${STALL_MS / 1000} s without a new line`,
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
  /**
   * One flood on `side`: with `lsLoop`, `ls` runs back to back until the last line lands.
   * @param {string} side
   * @param {boolean} withLs
   */
  const flood = async (side, withLs) => {
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
      if (side === 'limit' || !withLs) return;
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
    return {
      file,
      ms: doneAt === null ? null : doneAt - t0,
      cpuMs,
      lsMs,
      unique: counter.unique,
      duplicates: counter.duplicates,
      triggerError: triggerError ? String(triggerError) : null,
    };
  };

  for (const { round, engine: side } of alternate(live, rounds)) {
    // Two floods per turn: a quiet one, timed, and one with ls running back to back. Timed while
    // ls runs, a flood was charged for the CPU its engine's CLI took from the 2 cores, and the
    // time followed how many ls runs fitted in (bench/README.md).
    for (const withLs of side === 'limit' ? [false] : [false, true]) {
      const r = await flood(side, withLs);
      push(lost, side, LINES - r.unique);
      if (!withLs && r.ms !== null) {
        push(toDisk, side, r.ms);
        push(cpu, side, r.cpuMs);
      }
      for (const ms of r.lsMs) push(lsDuring, side, ms);
      toDisk.runs.push({
        side,
        round,
        withLs,
        ms: r.ms,
        unique: r.unique,
        duplicates: r.duplicates,
        lsSamples: r.lsMs.length,
        triggerError: r.triggerError,
      });
      const which = withLs ? ' (with ls)' : '';
      if (r.ms === null)
        notes.push(`${side}, run ${round + 1}${which}: only ${r.unique} of ${LINES} lines reached ${r.file}`);
      if (r.duplicates > 0) notes.push(`${side}, run ${round + 1}${which}: ${r.duplicates} duplicated lines`);
    }
  }

  for (const side of sides) {
    const engine = side === 'limit' ? ctx.engines.direct : ctx.engines[side];
    if (engine && targets[side]) await engine.deleteApp('flood').catch(() => undefined);
  }
  rmSync(tmp, { recursive: true, force: true });
  return { rows: [toDisk, lost, lsDuring, cpu], notes };
}

module.exports = { id: 'logs', title: '5. Log capture: a flood of 100,000 lines', run: logs };
