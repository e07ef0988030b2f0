'use strict';
/**
 * 6. Memory. clusterctl is a daemon plus one app primary per app (its
 * design: isolation of ports, event loops and crashes per app); PM2 is one
 * daemon that is the cluster primary of every app. Figures:
 * - a fresh daemon, idle (RSS, PSS);
 * - the managers (daemon, plus clusterctl's primaries) with 1 app and with
 *   10 apps × 2 workers (4 apps with --quick);
 * - everything, managers and every worker, at 10 apps: what the host pays;
 *   then the same with clusterctl's 10 apps in one primary group
 *   (`--primary-group`: one host process instead of ten primaries);
 * - private memory (pages no other process maps) of one app primary, against
 *   a bare node with node:cluster and node:net loaded (bench/apps/bare-cluster-net.js),
 *   and of the daemon against PM2's daemon;
 * - one worker (a manager may load code into workers; limit: a worker of a raw primary).
 * Both engines run their apps at the same time and are sampled in turns, so
 * that the PSS share of the node binary (divided among every process on the
 * machine that maps it, other jobs' included) moves for both alike.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { freePort } = require('../lib/probe');
const { sleep, rssBytes, pssBytes, privateBytes, treeOf, childrenOf } = require('../lib/proc');
const { median } = require('../lib/stats');
const { join } = require('node:path');

const MB = 1024 * 1024;
const WORKERS = 2;
const BARE = 3;

/** @param {number[]} pids @param {(pid: number) => number | null} f */
const sumMB = (pids, f) => pids.reduce((a, p) => a + (f(p) ?? 0), 0) / MB;

/**
 * @param {import('../run').Context} ctx
 * @param {'clusterctl' | 'pm2'} side
 */
async function managersOf(ctx, side) {
  const engine = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
  const m = await engine.managerPids();
  return { daemon: m.daemon, primaries: m.primaries, all: [...(m.daemon ? [m.daemon] : []), ...m.primaries] };
}

/**
 * Every process of an engine: the daemon's tree, plus anything else carrying its home.
 * @param {import('../run').Context} ctx
 * @param {'clusterctl' | 'pm2'} side
 * @param {number | null} daemon
 */
function everyPid(ctx, side, daemon) {
  const engine = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
  return [...new Set([...(daemon ? treeOf(daemon) : []), ...engine.pids()])];
}

/** @param {string} label @param {object} [o] */
const pair = (label, o) => ({ rss: newRow(`${label}: RSS`, 'MB', o), pss: newRow(`${label}: PSS`, 'MB', o) });

/** @param {import('../run').Context} ctx */
async function memory(ctx) {
  const settleMs = ctx.quick ? 1000 : 3000;
  const samples = ctx.quick ? 2 : 5;
  const many = ctx.quick ? 4 : 10;
  const notes = [
    `apps are hello world with ${WORKERS} workers each; both engines run their apps at once and are sampled in turns, ${samples}× after ${settleMs / 1000} s of settling, median`,
    'RSS counts the ~40 MB of the node binary and libraries in full for every process; PSS divides shared pages among the processes that map them, so a sum of PSS is what the processes cost together; private memory (Private_Clean + Private_Dirty) is what a process frees by exiting',
  ];
  const idle = pair('daemon, idle, no app');
  const one = pair(`manager processes, 1 app × ${WORKERS} workers`);
  const ten = pair(`manager processes, ${many} apps × ${WORKERS} workers`);
  const total = newRow(`all processes (managers and every worker), ${many} apps × ${WORKERS} workers: PSS`, 'MB', {
    key: 'total-pss',
  });
  const primaryPrivate = newRow(`one app primary, ${many} apps running: private memory`, 'MB', {
    limitLabel: 'bare node, node:cluster + net loaded',
    key: 'primary-private',
  });
  const totalGroup = newRow(
    `all processes, the same ${many} apps × ${WORKERS} workers, clusterctl's in one primary group: PSS`,
    'MB',
    { key: 'total-pss-group' },
  );
  const daemonPrivate = newRow(`daemon, ${many} apps: private memory`, 'MB', { key: 'daemon-private' });
  const worker = pair('one worker of a hello app', { limitLabel: 'raw node:cluster worker' });
  const atMany = [ten.rss, ten.pss, total, totalGroup, primaryPrivate, daemonPrivate, worker.rss, worker.pss];
  const all = [idle.rss, idle.pss, one.rss, one.pss, ...atMany];

  /** @type {Array<'clusterctl' | 'pm2'>} */
  let live = [];
  for (const side of /** @type {const} */ (['clusterctl', 'pm2'])) {
    const engine = ctx.engines[side];
    if (!engine) {
      markUnavailable(all, side, ctx.skipped[side]);
      continue;
    }
    try {
      // A daemon that earlier scenarios warmed up is not idle in the sense that matters: start a fresh one.
      await engine.restartDaemon();
      await sleep(settleMs);
      const m = await managersOf(ctx, side);
      if (!m.daemon) throw new Error('no daemon pid after a fresh start');
      const rss = [];
      const pss = [];
      for (let i = 0; i < samples; i++) {
        if (i > 0) await sleep(500);
        rss.push(sumMB(m.all, rssBytes));
        pss.push(sumMB(m.all, pssBytes));
      }
      push(idle.rss, side, /** @type {number} */ (median(rss)));
      push(idle.pss, side, /** @type {number} */ (median(pss)));
      live.push(side);
    } catch (err) {
      markUnavailable(all, side, err);
    }
  }

  /** @param {Array<'clusterctl' | 'pm2'>} sides @param {number} from @param {number} to */
  const startApps = async (sides, from, to) => {
    const ok = [];
    for (const side of sides) {
      const engine = /** @type {NonNullable<typeof ctx.engines.clusterctl>} */ (ctx.engines[side]);
      try {
        for (let i = from; i < to; i++)
          await engine.startApp({
            name: `mem-${i}`,
            script: ctx.apps.hello,
            instances: WORKERS,
            port: await freePort(),
          });
        ok.push(side);
      } catch (err) {
        markUnavailable(from === 0 ? [one.rss, one.pss, ...atMany] : atMany, side, err);
      }
    }
    return ok;
  };

  live = await startApps(live, 0, 1);
  await sleep(settleMs);
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(500);
    for (const side of live) {
      const m = await managersOf(ctx, side);
      push(one.rss, side, sumMB(m.all, rssBytes));
      push(one.pss, side, sumMB(m.all, pssBytes));
    }
  }

  live = await startApps(live, 1, many);
  const raw = ctx.engines.raw;
  const bare = [];
  for (let i = 0; i < BARE; i++)
    bare.push(raw.spawnIdle(`mem-bare-${i}`, [join(__dirname, '..', 'apps', 'bare-cluster-net.js')]));
  await sleep(settleMs);
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(500);
    for (const side of live) {
      const m = await managersOf(ctx, side);
      push(ten.rss, side, sumMB(m.all, rssBytes));
      push(ten.pss, side, sumMB(m.all, pssBytes));
      const every = everyPid(ctx, side, m.daemon);
      push(total, side, sumMB(every, pssBytes));
      total.runs.push({ side, sample: i, processes: every.length });
      if (m.daemon) push(daemonPrivate, side, sumMB([m.daemon], privateBytes));
      for (const p of m.primaries) push(primaryPrivate, side, sumMB([p], privateBytes));
    }
    for (const child of bare)
      if (child.pid !== undefined) push(primaryPrivate, 'limit', sumMB([child.pid], privateBytes));
  }
  if (ctx.engines.pm2 && live.includes('pm2'))
    markUnavailable(primaryPrivate, 'pm2', 'PM2 has no app primary: its daemon is the cluster primary of every app');
  for (const side of live) {
    const m = await managersOf(ctx, side);
    pushWorkers(worker, side, m.primaries.length ? m.primaries : m.daemon ? [m.daemon] : []);
  }
  const counts = total.runs.filter((r) => r.sample === 0).map((r) => `${r.side} ${r.processes}`);
  if (counts.length) notes.push(`processes counted in the total: ${counts.join(', ')}`);
  for (let i = 0; i < BARE; i++) await raw.deleteApp(`mem-bare-${i}`).catch(() => undefined);
  await inOneGroup(ctx, live, totalGroup, { many, settleMs, samples });
  const grouped = totalGroup.runs.filter((r) => r.sample === 0).map((r) => `${r.side} ${r.processes}`);
  if (grouped.length) notes.push(`processes counted in the total with one primary group: ${grouped.join(', ')}`);
  for (const side of /** @type {const} */ (['clusterctl', 'pm2']))
    await ctx.engines[side]?.deleteAll().catch(() => undefined);

  await rawWorkers(ctx, worker);
  return { rows: all, notes };
}

/**
 * The total again, with clusterctl's apps restarted in one primary group
 * while PM2 keeps running its own: both are sampled in turns, as above.
 * @param {import('../run').Context} ctx
 * @param {Array<'clusterctl' | 'pm2'>} live
 * @param {import('../lib/report').Row} row
 * @param {{ many: number, settleMs: number, samples: number }} o
 */
async function inOneGroup(ctx, live, row, o) {
  const engine = ctx.engines.clusterctl;
  if (!engine || !live.includes('clusterctl')) {
    markUnavailable(row, 'clusterctl', ctx.skipped.clusterctl ?? 'its apps did not start');
    return;
  }
  try {
    await engine.deleteAll();
    for (let i = 0; i < o.many; i++)
      await engine.startApp({
        name: `mem-${i}`,
        script: ctx.apps.hello,
        instances: WORKERS,
        port: await freePort(),
        group: 'mem',
      });
  } catch (err) {
    markUnavailable(row, 'clusterctl', err);
    return;
  }
  await sleep(o.settleMs);
  for (let i = 0; i < o.samples; i++) {
    if (i > 0) await sleep(500);
    for (const side of live) {
      const m = await managersOf(ctx, side);
      const every = everyPid(ctx, side, m.daemon);
      push(row, side, sumMB(every, pssBytes));
      row.runs.push({ side, sample: i, processes: every.length });
    }
  }
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
    if (r !== null && p !== null) {
      push(rows.rss, side, r / MB);
      push(rows.pss, side, p / MB);
    }
  }
}

/**
 * The limit of the worker rows: workers of raw node:cluster primaries.
 * @param {import('../run').Context} ctx
 * @param {{ rss: import('../lib/report').Row, pss: import('../lib/report').Row }} worker
 */
async function rawWorkers(ctx, worker) {
  const raw = ctx.engines.raw;
  try {
    for (let i = 0; i < 3; i++)
      await raw.startApp({ name: `mem-raw-${i}`, script: ctx.apps.hello, instances: 1, port: await freePort() });
    await sleep(ctx.quick ? 1000 : 3000);
    pushWorkers(
      worker,
      'limit',
      [...raw.apps.values()].map((child) => /** @type {number} */ (child.pid)),
    );
  } catch (err) {
    markUnavailable([worker.rss, worker.pss], 'limit', err);
  }
  for (let i = 0; i < 3; i++) await raw.deleteApp(`mem-raw-${i}`).catch(() => undefined);
}

module.exports = { id: 'memory', title: '6. Memory (RSS, PSS, private)', run: memory };
