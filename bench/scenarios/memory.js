'use strict';
/**
 * 6. Memory: RSS and PSS of what manages the apps, the apps' own workers excluded.
 * clusterctl is a daemon plus one app primary per app (its design: isolation
 * of ports, event loops and crashes per app); PM2 is one daemon that is the
 * cluster primary of every app. Figures: a fresh daemon idle, then the
 * managers with 1 app and with 10 apps (one worker each; 4 with --quick). A last row
 * compares one worker's RSS, since a manager may load code into workers
 * (the limit: a worker of a raw node:cluster primary).
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { freePort } = require('../lib/probe');
const { sleep, rssBytes, pssBytes, childrenOf } = require('../lib/proc');
const { median } = require('../lib/stats');

const MB = 1024 * 1024;

/**
 * Median over a few samples of the summed RSS and PSS of some pids.
 * @param {() => Promise<number[]>} pids
 * @param {number} samples
 */
async function sampleMemory(pids, samples) {
  const rss = [];
  const pss = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(500);
    let r = 0;
    let p = 0;
    for (const pid of await pids()) {
      r += rssBytes(pid) ?? 0;
      p += pssBytes(pid) ?? 0;
    }
    rss.push(r / MB);
    pss.push(p / MB);
  }
  return { rss: /** @type {number} */ (median(rss)), pss: /** @type {number} */ (median(pss)) };
}

/**
 * @param {{ rss: import('../lib/report').Row, pss: import('../lib/report').Row }} rows
 * @param {'clusterctl' | 'pm2' | 'limit'} side
 * @param {{ rss: number, pss: number }} m
 */
function pushMemory(rows, side, m) {
  push(rows.rss, side, m.rss);
  push(rows.pss, side, m.pss);
}

/**
 * One RSS and PSS figure per worker, the workers being the children of these cluster primaries.
 * @param {{ rss: import('../lib/report').Row, pss: import('../lib/report').Row }} rows
 * @param {'clusterctl' | 'pm2' | 'limit'} side
 * @param {number[]} primaries
 */
function pushWorkers(rows, side, primaries) {
  for (const w of primaries.flatMap((p) => childrenOf(p))) {
    const r = rssBytes(w);
    const p = pssBytes(w);
    if (r !== null && p !== null) pushMemory(rows, side, { rss: r / MB, pss: p / MB });
  }
}

/** @param {import('../run').Context} ctx */
async function memory(ctx) {
  const settleMs = ctx.quick ? 1000 : 3000;
  const samples = ctx.quick ? 2 : 5;
  const notes = [
    `sampled ${samples}× after ${settleMs / 1000} s of settling, median; managers only (daemon, plus app primaries for clusterctl); apps are hello world with 1 worker each`,
    'RSS counts the ~40 MB of the node binary and libraries in full for every process; PSS divides shared pages among the processes that map them, so a sum of PSS is what the processes cost together',
  ];
  // --quick keeps every row but starts fewer apps: the label says how many.
  const many = ctx.quick ? 4 : 10;
  const pair = (label, o) => ({ rss: newRow(`${label}: RSS`, 'MB', o), pss: newRow(`${label}: PSS`, 'MB', o) });
  const idle = pair('daemon, idle, no app');
  const one = pair('manager processes, 1 app');
  const ten = pair(`manager processes, ${many} apps`);
  const worker = pair('one worker of a hello app', { limitLabel: 'raw node:cluster worker' });
  const all = [idle, one, ten, worker].flatMap((p) => [p.rss, p.pss]);

  for (const side of /** @type {const} */ (['clusterctl', 'pm2'])) {
    const engine = ctx.engines[side];
    if (!engine) {
      markUnavailable(all, side, ctx.skipped[side]);
      continue;
    }
    const managers = async () => {
      const m = await engine.managerPids();
      return [...(m.daemon ? [m.daemon] : []), ...m.primaries];
    };
    try {
      // A daemon that earlier scenarios warmed up is not idle in the sense that matters: start a fresh one.
      await engine.restartDaemon();
      await sleep(settleMs);
      if (!engine.daemonPid()) throw new Error('no daemon pid after a fresh start');
      pushMemory(idle, side, await sampleMemory(managers, samples));
    } catch (err) {
      markUnavailable(all, side, err);
      continue;
    }
    try {
      for (let i = 0; i < many; i++) {
        await engine.startApp({ name: `mem-${i}`, script: ctx.apps.hello, instances: 1, port: await freePort() });
        if (i === 0) {
          await sleep(settleMs);
          pushMemory(one, side, await sampleMemory(managers, samples));
        }
      }
      await sleep(settleMs);
      pushMemory(ten, side, await sampleMemory(managers, samples));
      const m = await engine.managerPids();
      pushWorkers(worker, side, m.primaries.length ? m.primaries : m.daemon ? [m.daemon] : []);
    } catch (err) {
      const failedAt = one.rss.values[side] ? ten : one;
      markUnavailable([failedAt.rss, failedAt.pss, ten.rss, ten.pss], side, err);
    }
    await engine.deleteAll().catch(() => undefined);
  }

  try {
    for (let i = 0; i < 3; i++)
      await ctx.engines.raw.startApp({
        name: `mem-raw-${i}`,
        script: ctx.apps.hello,
        instances: 1,
        port: await freePort(),
      });
    await sleep(settleMs);
    pushWorkers(
      worker,
      'limit',
      [...ctx.engines.raw.apps.values()].map((child) => /** @type {number} */ (child.pid)),
    );
  } catch (err) {
    markUnavailable([worker.rss, worker.pss], 'limit', err);
  }
  for (let i = 0; i < 3; i++) await ctx.engines.raw.deleteApp(`mem-raw-${i}`).catch(() => undefined);
  return { rows: all, notes };
}

module.exports = { id: 'memory', title: '6. Memory (RSS and PSS)', run: memory };
