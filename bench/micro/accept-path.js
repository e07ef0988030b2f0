#!/usr/bin/env node
'use strict';
/**
 * Where the new-connection throughput gap between clusterctl and a raw
 * node:cluster primary comes from: the same hello app under `Connection:
 * close` load, behind primaries that add clusterctl's worker settings one at
 * a time (silent stdio pipes the primary reads, the `--require` preload),
 * and behind a real clusterctl daemon. Engines take turns run by run; per
 * variant it prints median req/s and CPU per 1,000 requests of the primary
 * and of the workers apart.
 *
 *   npm run build && node bench/micro/accept-path.js [rounds] [seconds]
 */
const { spawn, execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort, waitServing } = require('../lib/probe');
const { startLoad } = require('../lib/load');
const { childrenOf, cpuSnapshot, cpuMsBetween, killPids, pidsWithEnv } = require('../lib/proc');
const { median } = require('../lib/stats');

const ROOT = join(__dirname, '..', '..');
const HELLO = join(ROOT, 'bench', 'apps', 'hello.js');
const PRELOAD = join(ROOT, 'dist', 'primary', 'preload.js');
const VARIANT_PRIMARY = join(__dirname, 'variant-primary.js');

async function main() {
  const rounds = Number(process.argv[2] ?? 5);
  const seconds = Number(process.argv[3] ?? 2);
  const home = mkdtempSync(join(tmpdir(), 'accept-path-'));
  const cli = (args, env = {}) =>
    execFileSync(process.execPath, [join(ROOT, 'bin', 'clusterctl'), ...args], {
      env: { ...process.env, CLUSTERCTL_HOME: home, ...env },
      encoding: 'utf8',
    });
  /** @type {Array<{ name: string, port: number, primary: number, child?: import('node:child_process').ChildProcess }>} */
  const variants = [];
  try {
    for (const [name, extra] of [
      ['raw node:cluster', {}],
      ['raw + silent pipes', { VP_SILENT: '1' }],
      ['raw + --require preload', { VP_PRELOAD: PRELOAD }],
      ['raw + silent + preload', { VP_SILENT: '1', VP_PRELOAD: PRELOAD }],
    ]) {
      const port = await freePort();
      const child = spawn(process.execPath, [VARIANT_PRIMARY, HELLO, '2'], {
        env: { ...process.env, PORT: String(port), ...extra },
        stdio: 'ignore',
        detached: true,
      });
      await waitServing(port);
      variants.push({ name, port, primary: /** @type {number} */ (child.pid), child });
    }
    const port = await freePort();
    cli(['start', HELLO, '-i', '2', '--name', 'accept', '--env', `PORT=${port}`]);
    await waitServing(port);
    const info = JSON.parse(cli(['ls', '--json']));
    variants.push({ name: 'clusterctl', port, primary: info[0].primaryPid });

    /** @type {Record<string, { rps: number[], primary: number[], workers: number[] }>} */
    const out = {};
    for (const v of variants) out[v.name] = { rps: [], primary: [], workers: [] };
    for (const v of variants)
      await startLoad({ port: v.port, connections: 32, keepAlive: false, durationMs: 1000 }).done;
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        const workers = childrenOf(v.primary);
        const p0 = cpuSnapshot([v.primary]);
        const w0 = cpuSnapshot(workers);
        const res = await startLoad({ port: v.port, connections: 32, keepAlive: false, durationMs: seconds * 1000 })
          .done;
        const k = res.ok / 1000;
        out[v.name].rps.push(res.rps);
        out[v.name].primary.push(cpuMsBetween(p0, cpuSnapshot([v.primary])) / k);
        out[v.name].workers.push(cpuMsBetween(w0, cpuSnapshot(workers)) / k);
      }
    }
    console.log(`Connection: close, 32 connections, ${rounds} × ${seconds} s per variant, taking turns; medians:`);
    const base = median(out['raw node:cluster'].rps) ?? 1;
    for (const [name, o] of Object.entries(out)) {
      const rps = /** @type {number} */ (median(o.rps));
      console.log(
        `  ${name.padEnd(24)} ${rps.toFixed(0).padStart(6)} req/s (${(rps / base).toFixed(2)}× raw)  CPU per 1,000 req: primary ${/** @type {number} */ (median(o.primary)).toFixed(1)} ms, workers ${/** @type {number} */ (median(o.workers)).toFixed(1)} ms`,
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
