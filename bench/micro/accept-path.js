#!/usr/bin/env node
'use strict';
/**
 * Where the new-connection cost of clusterctl goes, against a raw
 * node:cluster primary: the same hello app under `Connection: close` load,
 * behind primaries that add clusterctl's worker settings one at a time
 * (silent stdio pipes the primary reads, the `--require` preload), behind a
 * real clusterctl daemon, and behind a second raw primary (an A/A control:
 * how far two identical engines differ on this machine right now, the
 * resolution of every other row). Engines take turns run by run, in
 * alternating order; per variant it prints median req/s and the CPU per
 * connection of the primary, the workers, the daemon and the load generator
 * apart, from /proc/PID/task/TID/schedstat (nanoseconds, all threads; the
 * 10 ms ticks of /proc/PID/stat are too coarse for a few µs).
 *
 * Warm-up matters: the workers' JIT keeps compiling for the first ~10,000
 * connections (`--trace-opt`), and a run inside that phase measures the
 * compiler, not the accept path. The default warm-up is 15 s per variant.
 *
 *   npm run build && node bench/micro/accept-path.js [rounds] [seconds] [warm-up seconds]
 */
const { spawn, execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort, waitServing } = require('../lib/probe');
const { startLoad } = require('../lib/load');
const { childrenOf, cpuNsSnapshot: snapshot, killPids, pidsWithEnv } = require('../lib/proc');
const { median } = require('../lib/stats');

const ROOT = join(__dirname, '..', '..');
const HELLO = join(ROOT, 'bench', 'apps', 'hello.js');
const PRELOAD = join(ROOT, 'dist', 'primary', 'preload.js');
const VARIANT_PRIMARY = join(__dirname, 'variant-primary.js');
const CONNECTIONS = 32;

/** @param {Map<number, number>} before @param {Map<number, number>} after */
function nsBetween(before, after) {
  let ns = 0;
  for (const [pid, t] of after) ns += t - (before.get(pid) ?? 0);
  return ns;
}

/**
 * @typedef {{ name: string, port: number, primary: number, daemon?: number, child?: import('node:child_process').ChildProcess }} Variant
 */

/** @param {string} name @param {Record<string, string>} extra @returns {Promise<Variant>} */
async function startVariant(name, extra) {
  const port = await freePort();
  const child = spawn(process.execPath, [VARIANT_PRIMARY, HELLO, '2'], {
    env: { ...process.env, PORT: String(port), ...extra },
    stdio: 'ignore',
    detached: true,
  });
  await waitServing(port);
  return { name, port, primary: /** @type {number} */ (child.pid), child };
}

/** @param {Variant} v @param {number} seconds */
async function measure(v, seconds) {
  const workers = childrenOf(v.primary);
  const daemon = v.daemon ? [v.daemon] : [];
  const p0 = snapshot([v.primary]);
  const w0 = snapshot(workers);
  const d0 = snapshot(daemon);
  const l0 = process.cpuUsage();
  const res = await startLoad({ port: v.port, connections: CONNECTIONS, keepAlive: false, durationMs: seconds * 1000 })
    .done;
  const l = process.cpuUsage(l0);
  const per = (ns) => ns / 1000 / Math.max(1, res.ok);
  return {
    rps: res.rps,
    failed: res.failed,
    primary: per(nsBetween(p0, snapshot([v.primary]))),
    workers: per(nsBetween(w0, snapshot(workers))),
    daemon: per(nsBetween(d0, snapshot(daemon))),
    load: (l.user + l.system) / Math.max(1, res.ok),
  };
}

async function main() {
  const rounds = Number(process.argv[2] ?? 8);
  const seconds = Number(process.argv[3] ?? 3);
  const warmup = Number(process.argv[4] ?? 15);
  const home = mkdtempSync(join(tmpdir(), 'accept-path-'));
  const cli = (args) =>
    execFileSync(process.execPath, [join(ROOT, 'bin', 'clusterctl'), ...args], {
      env: { ...process.env, CLUSTERCTL_HOME: home },
      encoding: 'utf8',
    });
  /** @type {Variant[]} */
  const variants = [];
  try {
    variants.push(await startVariant('raw node:cluster', {}));
    variants.push(await startVariant('raw again (A/A)', {}));
    variants.push(await startVariant('raw + silent pipes', { VP_SILENT: '1' }));
    variants.push(await startVariant('raw + --require preload', { VP_PRELOAD: PRELOAD }));
    variants.push(await startVariant('raw + silent + preload', { VP_SILENT: '1', VP_PRELOAD: PRELOAD }));
    const port = await freePort();
    cli(['start', HELLO, '-i', '2', '--name', 'accept', '--env', `PORT=${port}`]);
    await waitServing(port);
    const info = JSON.parse(cli(['ls', '--json']));
    const daemon = Number(readFileSync(join(home, 'daemon.pid'), 'utf8'));
    variants.push({ name: 'clusterctl', port, primary: info[0].primaryPid, daemon });

    /** @type {Record<string, Array<Awaited<ReturnType<typeof measure>>>>} */
    const out = {};
    for (const v of variants) out[v.name] = [];
    for (const v of variants)
      await startLoad({ port: v.port, connections: CONNECTIONS, keepAlive: false, durationMs: warmup * 1000 }).done;
    for (let r = 0; r < rounds; r++) {
      for (const v of r % 2 === 0 ? variants : [...variants].reverse()) out[v.name].push(await measure(v, seconds));
    }
    const base = out['raw node:cluster'];
    const med = (runs, key) => /** @type {number} */ (median(runs.map((x) => x[key])));
    const total = (x) => x.primary + x.workers + x.daemon;
    console.log(
      `Connection: close, ${CONNECTIONS} connections, ${warmup} s warm-up, ${rounds} × ${seconds} s per variant, taking turns; medians, CPU in µs per connection:`,
    );
    for (const [name, runs] of Object.entries(out)) {
      const ratio = median(runs.map((x, i) => total(x) / total(base[i]))) ?? 1;
      const failed = runs.reduce((n, x) => n + x.failed, 0);
      console.log(
        `  ${name.padEnd(24)} ${med(runs, 'rps').toFixed(0).padStart(6)} req/s (${(med(runs, 'rps') / med(base, 'rps')).toFixed(2)}× raw)` +
          `  primary ${med(runs, 'primary').toFixed(1)}  workers ${med(runs, 'workers').toFixed(1)}  daemon ${med(runs, 'daemon').toFixed(1)}` +
          `  engine total ${(median(runs.map(total)) ?? 0).toFixed(1)} (paired ${ratio.toFixed(3)}× raw)  load generator ${med(runs, 'load').toFixed(1)}` +
          (failed ? `  ${failed} failed` : ''),
      );
    }
  } finally {
    for (const v of variants) if (v.child) killPids([v.primary], 'SIGTERM');
    try {
      cli(['kill']);
    } catch {
      /* no daemon */
    }
    killPids(pidsWithEnv('CLUSTERCTL_HOME', home));
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`accept-path: ${err instanceof Error ? err.stack : err}`);
  process.exitCode = 1;
});
