#!/usr/bin/env node
'use strict';
/**
 * `npm run bench [-- --quick] [-- --only cli,reload] [-- --no-pm2]`
 *
 * Runs each scenario against clusterctl (built from the working tree), PM2
 * (current release, installed on demand into bench/.cache) and, where it
 * makes sense, the limit (a raw node:cluster primary, `node -e 0`, a process
 * writing straight to a file). Engines take turns run by run; every figure
 * is a median with its min and max, and clusterctl's ratio to each
 * reference. Results: a table per scenario on the terminal, then
 * bench/results/latest.{json,md} (a --quick smoke run writes quick.* instead,
 * so it never overwrites the committed full run).
 *
 * Everything the bench starts is killed by pid at the end, on error and on
 * Ctrl-C: `clusterctl kill` / `pm2 kill` in their temporary homes, then
 * SIGKILL to whatever still carries that home in its environment.
 */
const { existsSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');
const { ensurePm2 } = require('./lib/pm2-install');
const {
  ClusterctlEngine,
  Pm2Engine,
  RawEngine,
  DirectLogEngine,
  sweep,
  RUN_TAG_VAR,
  baseEnv,
} = require('./lib/engines');
const { finalizeRow, terminalTable, writeResults } = require('./lib/report');
const { summaryLines, summaryTerminal } = require('./lib/summary');

const ROOT = join(__dirname, '..');

const SCENARIOS = [
  require('./scenarios/cli-latency'),
  require('./scenarios/throughput'),
  require('./scenarios/reload'),
  require('./scenarios/crash'),
  require('./scenarios/logs'),
  require('./scenarios/memory'),
  require('./scenarios/scale'),
  require('./scenarios/sticky'),
];

/**
 * @typedef {Object} Context
 * @property {boolean} quick
 * @property {{ clusterctl: ClusterctlEngine | null, pm2: Pm2Engine | null, raw: RawEngine, rawAgain: RawEngine, direct: DirectLogEngine }} engines
 *   rawAgain: a second, identical limit (the A/A control: how far two equal engines differ in this run)
 * @property {{ clusterctl?: string, pm2?: string }} skipped why an engine is absent
 * @property {{ hello: string, cpu: string, flood: string }} apps
 * @property {number} maxInstances what -i max means here
 * @property {number} cores
 * @property {NodeJS.ProcessEnv} env environment for reference processes (node -e 0)
 * @property {(msg: string) => void} log
 */

function parseArgs(argv) {
  const opts = { quick: false, only: /** @type {string[] | null} */ (null), pm2: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--no-pm2') opts.pm2 = false;
    else if (a === '--only') opts.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) opts.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log(
        [
          'usage: npm run bench [-- --quick] [-- --only ID,ID] [-- --no-pm2]',
          '  --quick      every scenario, short runs (< 3 min): a smoke check; writes bench/results/quick.*',
          `  --only IDS   run these scenarios only: ${SCENARIOS.map((s) => s.id).join(', ')}`,
          '  --no-pm2     do not install or run PM2',
        ].join('\n'),
      );
      process.exit(0);
    } else {
      console.error(`bench: unknown option ${a} (try --help)`);
      process.exit(2);
    }
  }
  if (opts.only) {
    const unknown = opts.only.filter((id) => !SCENARIOS.some((s) => s.id === id));
    if (unknown.length) {
      console.error(`bench: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
      process.exit(2);
    }
  }
  return opts;
}

/**
 * Workers for -i max, as clusterctl decides it (the cgroup CPU quota when
 * there is one, else the usable cores); the bare core count when the build
 * is missing, since clusterctl is not run then.
 */
function maxInstances() {
  try {
    return require('../dist/config/instances').usableCpus();
  } catch {
    return os.availableParallelism();
  }
}

function gitDescribe() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !==
      '';
    return `${sha}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown commit';
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const runTag = `${process.pid}-${started}`;
  const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
  /** @type {Array<{ cleanup(): void }>} */
  const toClean = [];
  let cleaned = false;
  const cleanupAll = () => {
    if (cleaned) return;
    cleaned = true;
    for (const e of toClean) {
      try {
        e.cleanup();
      } catch (err) {
        log(`cleanup: ${err instanceof Error ? err.message : err}`);
      }
    }
    // Last resort: anything of this run that escaped its engine's own cleanup.
    sweep(RUN_TAG_VAR, runTag);
  };
  process.on('exit', cleanupAll);
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(sig, () => {
      log(`${sig}: stopping every process the bench started…`);
      cleanupAll();
      process.exit(130);
    });
  }

  /** @type {Context['skipped']} */
  const skipped = {};
  /** @type {ClusterctlEngine | null} */
  let clusterctl = null;
  if (existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    clusterctl = new ClusterctlEngine({ root: ROOT, runTag });
    toClean.push(clusterctl);
  } else {
    skipped.clusterctl = 'dist/cli/main.js is missing (run npm run build)';
  }

  /** @type {Pm2Engine | null} */
  let pm2 = null;
  let pm2Version = 'not run';
  if (opts.pm2) {
    const inst = await ensurePm2(join(__dirname, '.cache'), log);
    if (inst.available) {
      if (inst.notice) log(inst.notice);
      pm2 = new Pm2Engine({ bin: inst.bin, version: inst.version, runTag });
      toClean.push(pm2);
      pm2Version = inst.version;
    } else {
      log(`PM2 skipped: ${inst.reason}`);
      skipped.pm2 = inst.reason;
      pm2Version = `skipped (${inst.reason})`;
    }
  } else {
    skipped.pm2 = 'skipped (--no-pm2)';
    pm2Version = 'skipped (--no-pm2)';
  }
  const raw = new RawEngine({ root: ROOT, runTag });
  const rawAgain = new RawEngine({ root: ROOT, runTag, id: 'raw-again' });
  const direct = new DirectLogEngine({ runTag });
  toClean.push(raw, rawAgain, direct);

  /** @type {Context} */
  const ctx = {
    quick: opts.quick,
    engines: { clusterctl, pm2, raw, rawAgain, direct },
    skipped,
    apps: {
      hello: join(__dirname, 'apps', 'hello.js'),
      cpu: join(__dirname, 'apps', 'cpu-1ms.js'),
      flood: join(__dirname, 'apps', 'log-flood.js'),
    },
    maxInstances: maxInstances(),
    cores: os.cpus().length,
    env: baseEnv(runTag),
    log,
  };

  const cpus = os.cpus();
  const meta = {
    date: new Date(started).toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    command: opts.quick ? 'npm run bench -- --quick' : 'npm run bench',
    machine: {
      cpu: cpus[0]?.model?.trim() ?? 'unknown',
      cores: cpus.length,
      cpusUsable: ctx.maxInstances,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      // Other jobs on the machine skew absolute figures (ratios of interleaved runs much less): say how busy it was.
      loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(2))),
    },
    versions: {
      clusterctl: clusterctl ? `${clusterctl.version} (${gitDescribe()})` : `not run (${skipped.clusterctl})`,
      pm2: pm2Version,
      node: process.version,
    },
    loadGenerator:
      'bench/lib/load.js, HTTP/1.1 on 127.0.0.1, one request at a time per connection; counts non-2xx, socket errors, closes before a response and timeouts as failed requests',
  };
  log(
    `${meta.mode} run: clusterctl ${meta.versions.clusterctl}, PM2 ${pm2Version}, ${meta.machine.cores} cores, -i max = ${ctx.maxInstances}`,
  );

  const selected = SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.id));
  const scenarios = [];
  for (const scenario of selected) {
    log(`scenario ${scenario.title}…`);
    const t0 = Date.now();
    /** @type {{ id: string, title: string, notes: string[], rows: import('./lib/report').Row[], error?: string, seconds?: number }} */
    let result;
    try {
      const r = await scenario.run(ctx);
      result = { id: scenario.id, title: scenario.title, notes: r.notes, rows: r.rows.map(finalizeRow) };
    } catch (err) {
      result = {
        id: scenario.id,
        title: scenario.title,
        notes: [],
        rows: [],
        error: err instanceof Error ? err.message : String(err),
      };
    }
    result.seconds = (Date.now() - t0) / 1000;
    await resetEngines(ctx);
    console.log(terminalTable(result));
    scenarios.push(result);
  }

  const summary = summaryLines(scenarios);
  console.log(summaryTerminal(summary));
  const report = {
    seconds: (Date.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg().map((v) => Number(v.toFixed(2))),
    summary,
    scenarios,
  };
  const stem = opts.quick ? 'quick' : opts.only ? 'partial' : 'latest';
  writeResults(join(__dirname, 'results'), report, meta, stem);
  console.log(`\nbench: done in ${report.seconds.toFixed(0)} s; wrote bench/results/${stem}.json and ${stem}.md`);
  cleanupAll();
}

/** Between scenarios: nothing of the previous one may skew the next. */
async function resetEngines(ctx) {
  const { clusterctl, pm2, raw, rawAgain, direct } = ctx.engines;
  for (const engine of [clusterctl, pm2]) if (engine) await engine.deleteAll().catch(() => undefined);
  raw.cleanup();
  rawAgain.cleanup();
  direct.cleanup();
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.stack : err}`);
  process.exitCode = 1;
});
