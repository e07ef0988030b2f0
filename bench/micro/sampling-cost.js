#!/usr/bin/env node
'use strict';
/**
 * What sampling a primary's workers costs, two ways, in CPU time of the
 * sampling process: clusterctl's synchronous /proc reader
 * (dist/os/process-tree.js: walk each worker's tree through
 * /proc/PID/task/TID/children, then read /proc/PID/stat of each) and the
 * pidusage package (asynchronous /proc/PID/stat reads on kept-open fds, plus
 * /proc/uptime per call; it has no notion of a process tree).
 *
 *   npm run build && npm install --no-save pidusage && node bench/micro/sampling-cost.js [rounds]
 *
 * It starts a bare node:cluster primary with 2 hello workers on a free port
 * (bench/apps/raw-primary.js, its own session), samples them `rounds` times
 * per method in alternating blocks, prints CPU µs per sample of both trees
 * and what that makes per 10 s at one sample a second, and kills the primary.
 */
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { freePort, waitServing } = require('../lib/probe');
const { childrenOf, killPids, sleep } = require('../lib/proc');

const ROOT = join(__dirname, '..', '..');

function load(what, hint) {
  try {
    return require(what);
  } catch {
    console.error(`sampling-cost: cannot load ${what}: ${hint}`);
    process.exit(2);
  }
}

async function main() {
  const rounds = Number(process.argv[2] ?? 2000);
  const tree = load(join(ROOT, 'dist', 'os', 'process-tree.js'), 'run npm run build first');
  const pidusage = load('pidusage', 'run npm install --no-save pidusage first (a measurement only, not a dependency)');
  const port = await freePort();
  const primary = spawn(
    process.execPath,
    [join(ROOT, 'bench', 'apps', 'raw-primary.js'), join(ROOT, 'bench', 'apps', 'hello.js'), '2'],
    {
      env: { ...process.env, PORT: String(port) },
      stdio: 'ignore',
      detached: true,
    },
  );
  try {
    await waitServing(port);
    await sleep(500);
    const workers = childrenOf(/** @type {number} */ (primary.pid));
    if (workers.length !== 2) throw new Error(`expected 2 workers, found ${workers.length}`);

    const methods = {
      'clusterctl /proc reader (tree walk + stat of each)': async () => {
        for (const w of workers) tree.sampleTree(w, tree.descendantsOf(w));
      },
      'pidusage, the 2 worker pids (no tree)': async () => {
        await pidusage(workers);
      },
      'tree walk + pidusage of every pid of the trees': async () => {
        const all = workers.flatMap((w) => [w, ...tree.descendantsOf(w)]);
        await pidusage(all);
      },
    };
    /** @type {Record<string, { cpuUs: number, wallMs: number, n: number }>} */
    const acc = {};
    for (const name of Object.keys(methods)) acc[name] = { cpuUs: 0, wallMs: 0, n: 0 };
    const block = 100;
    for (const [, fn] of Object.entries(methods)) for (let i = 0; i < 50; i++) await fn(); // warm-up
    for (let done = 0; done < rounds; done += block) {
      for (const [name, fn] of Object.entries(methods)) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < block; i++) await fn();
        const c = process.cpuUsage(c0);
        acc[name].cpuUs += c.user + c.system;
        acc[name].wallMs += performance.now() - t0;
        acc[name].n += block;
      }
    }
    console.log(`sampling 2 workers' trees, ${rounds} samples per method, alternating blocks of ${block}:`);
    for (const [name, a] of Object.entries(acc)) {
      const us = a.cpuUs / a.n;
      console.log(
        `  ${name.padEnd(52)} ${us.toFixed(1).padStart(7)} µs CPU per sample (wall ${((a.wallMs * 1000) / a.n).toFixed(1)} µs)` +
          ` → ${((us * 10) / 1000).toFixed(2)} ms per 10 s per primary, ${((us * 10 * 50) / 1000).toFixed(1)} ms per 10 s for 50 primaries`,
      );
    }
  } finally {
    killPids([/** @type {number} */ (primary.pid)], 'SIGTERM');
    pidusage.clear?.();
  }
}

main().catch((err) => {
  console.error(`sampling-cost: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
});
