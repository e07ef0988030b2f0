'use strict';
/**
 * 6. Memory: RSS of what manages the apps, the apps' own workers excluded.
 * clusterctl is a daemon plus one app primary per app (its design: isolation
 * of ports, event loops and crashes per app); PM2 is one daemon that is the
 * cluster primary of every app. Figures: a fresh daemon idle, then the
 * managers with 1 app and with 10 apps (one worker each; 4 with --quick). A last row
 * compares one worker's RSS, since a manager may load code into workers
 * (the limit: a worker of a raw node:cluster primary).
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { freePort } = require('../lib/probe');
const { sleep, rssBytes, childrenOf } = require('../lib/proc');
const { median } = require('../lib/stats');

const MB = 1024 * 1024;

/**
 * Median over a few samples of the summed RSS of some pids.
 * @param {() => Promise<number[]>} pids
 * @param {number} samples
 */
async function sampleRss(pids, samples) {
  const totals = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(500);
    let sum = 0;
    for (const pid of await pids()) sum += rssBytes(pid) ?? 0;
    totals.push(sum / MB);
  }
  return /** @type {number} */ (median(totals));
}

/** @param {import('../run').Context} ctx */
async function memory(ctx) {
  const settleMs = ctx.quick ? 1000 : 3000;
  const samples = ctx.quick ? 2 : 5;
  const notes = [`RSS sampled ${samples}× after ${settleMs / 1000} s of settling, median; managers only (daemon, plus app primaries for clusterctl); apps are hello world with 1 worker each`];
  const idle = newRow('daemon, idle, no app', 'MB');
  const one = newRow('manager processes, 1 app', 'MB');
  // --quick keeps every row but starts fewer apps: the label says how many.
  const many = ctx.quick ? 4 : 10;
  const ten = newRow(`manager processes, ${many} apps`, 'MB');
  const worker = newRow('one worker of a hello app', 'MB', { limitLabel: 'raw node:cluster worker' });

  for (const side of /** @type {const} */ (['clusterctl', 'pm2'])) {
    const engine = ctx.engines[side];
    if (!engine) {
      for (const row of [idle, one, ten, worker]) markUnavailable(row, side, ctx.skipped[side]);
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
      push(idle, side, await sampleRss(managers, samples));
    } catch (err) {
      markUnavailable(idle, side, err);
      markUnavailable(one, side, err);
      markUnavailable(ten, side, err);
      markUnavailable(worker, side, err);
      continue;
    }
    try {
      for (let i = 0; i < many; i++) {
        await engine.startApp({ name: `mem-${i}`, script: ctx.apps.hello, instances: 1, port: await freePort() });
        if (i === 0) {
          await sleep(settleMs);
          push(one, side, await sampleRss(managers, samples));
        }
      }
      await sleep(settleMs);
      push(ten, side, await sampleRss(managers, samples));
      const m = await engine.managerPids();
      const primaries = m.primaries.length ? m.primaries : m.daemon ? [m.daemon] : [];
      const workers = primaries.flatMap((p) => childrenOf(p)).map((p) => (rssBytes(p) ?? 0) / MB).filter((v) => v > 0);
      for (const w of workers) push(worker, side, w);
    } catch (err) {
      markUnavailable(one.values[side] ? ten : one, side, err);
      markUnavailable(ten, side, err);
    }
    await engine.deleteAll().catch(() => undefined);
  }

  try {
    for (let i = 0; i < 3; i++) await ctx.engines.raw.startApp({ name: `mem-raw-${i}`, script: ctx.apps.hello, instances: 1, port: await freePort() });
    await sleep(settleMs);
    for (const child of ctx.engines.raw.apps.values()) {
      for (const w of childrenOf(/** @type {number} */ (child.pid))) push(worker, 'limit', (rssBytes(w) ?? 0) / MB);
    }
  } catch (err) {
    markUnavailable(worker, 'limit', err);
  }
  for (let i = 0; i < 3; i++) await ctx.engines.raw.deleteApp(`mem-raw-${i}`).catch(() => undefined);
  return { rows: [idle, one, ten, worker], notes };
}

module.exports = { id: 'memory', title: '6. Memory (RSS)', run: memory };
