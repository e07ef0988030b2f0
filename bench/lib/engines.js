'use strict';
/**
 * The three things the bench runs apps under, behind one small shape:
 * clusterctl from the working tree, PM2 from bench/.cache, and a raw
 * node:cluster primary (the limit). Each has its own temporary home, and
 * every process it starts carries a variable naming that home, so cleanup()
 * finds and kills exactly those processes by pid, even after a crash of the
 * bench itself.
 */
const { spawn } = require('node:child_process');
const { closeSync, mkdtempSync, openSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { run, runSync, pidsWithEnv, killPids, isAlive, waitFor } = require('./proc');
const { waitServing } = require('./probe');

/** Marks every process of one bench run; the last-resort sweep looks for it. */
const RUN_TAG_VAR = 'CLUSTERCTL_BENCH_RUN';

/**
 * @typedef {{ name: string, script: string, instances: number, port: number, logFile?: string, group?: string }} AppStart
 * (`group`: clusterctl's --primary-group; the other engines have no such thing and are never given one)
 */

/** @param {string} runTag */
function baseEnv(runTag) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, [RUN_TAG_VAR]: runTag, NO_COLOR: '1' };
  delete env.CLUSTERCTL_HOME;
  delete env.PM2_HOME;
  delete env.FORCE_COLOR;
  return env;
}

/** @param {import('./proc').RunResult} r */
function firstLine(r) {
  const text = (r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`).split('\n')[0];
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/**
 * What clusterctl and PM2 share: a CLI run with the engine's home in its
 * environment, a daemon whose pid file sits in that home, and the same
 * start/delete/reload/kill commands.
 */
class CliEngine {
  /** @param {{ id: string, bin: string, version: string, homeVar: string, pidFile: string, runTag: string }} o */
  constructor(o) {
    this.id = o.id;
    this.bin = o.bin;
    this.version = o.version;
    this.homeVar = o.homeVar;
    this.pidFile = o.pidFile;
    this.home = mkdtempSync(join(tmpdir(), `${o.id}-bench-`));
    this.env = { ...baseEnv(o.runTag), [o.homeVar]: this.home };
  }

  /** @param {string[]} args @param {number} [timeoutMs] @param {NodeJS.ProcessEnv} [extraEnv] */
  cli(args, timeoutMs = 60000, extraEnv = {}) {
    return run(process.execPath, [this.bin, ...args], { env: { ...this.env, ...extraEnv }, timeoutMs });
  }

  /** Like cli(), but a non-zero exit is an error carrying the command's own first line. */
  async ok(args, timeoutMs = 60000, extraEnv = {}) {
    const r = await this.cli(args, timeoutMs, extraEnv);
    if (r.code !== 0) throw new Error(`${this.id} ${args[0]}: ${firstLine(r)}`);
    return r;
  }

  /** The commands of the CLI latency scenario, by row. */
  latencyCommands() {
    return { ls: ['ls'], ping: ['ping'], version: ['--version'] };
  }

  /** @param {string} name */
  async deleteApp(name) {
    await this.ok(['delete', name], 60000);
  }

  /** @param {string} name */
  reload(name) {
    return this.ok(['reload', name], 180000);
  }

  async deleteAll() {
    await this.ok(['delete', 'all'], 180000);
  }

  /** @returns {number | null} */
  daemonPid() {
    try {
      const pid = parseInt(readFileSync(join(this.home, this.pidFile), 'utf8'), 10);
      return Number.isInteger(pid) && isAlive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  /** Every live process of this engine: daemon, app primaries if any, workers. */
  pids() {
    return pidsWithEnv(this.homeVar, this.home);
  }

  /** Stop every app and the daemon; a fresh daemon starts on the next command. */
  async restartDaemon() {
    await this.ok(['kill'], 60000);
    await this.ok(['ping']);
  }

  cleanup() {
    runSync(process.execPath, [this.bin, 'kill'], { env: this.env, timeoutMs: 30000 });
    sweep(this.homeVar, this.home);
    rmSync(this.home, { recursive: true, force: true });
  }
}

class ClusterctlEngine extends CliEngine {
  /** @param {{ root: string, runTag: string }} o */
  constructor(o) {
    super({
      id: 'clusterctl',
      bin: join(o.root, 'bin', 'clusterctl'),
      version: JSON.parse(readFileSync(join(o.root, 'package.json'), 'utf8')).version,
      homeVar: 'CLUSTERCTL_HOME',
      pidFile: 'daemon.pid',
      runTag: o.runTag,
    });
  }

  /** @param {AppStart} a */
  async startApp(a) {
    const group = a.group ? ['--primary-group', a.group] : [];
    await this.ok(
      ['start', a.script, '-i', String(a.instances), '--name', a.name, '--env', `PORT=${a.port}`, ...group],
      180000,
    );
    await waitServing(a.port);
  }

  async list() {
    const r = await this.ok(['ls', '--json']);
    return /** @type {Array<{ name: string, primaryPid: number | null, spec: { logs?: { out?: string } }, workers: Array<{ pid: number | null }> }>} */ (
      JSON.parse(r.stdout)
    );
  }

  /** Processes that manage the apps, excluding the apps' own workers. */
  async managerPids() {
    const daemon = this.daemonPid();
    // Apps of one primary group share their primary: count each process once.
    const primaries = new Set((await this.list()).map((a) => a.primaryPid).filter((p) => typeof p === 'number'));
    return { daemon, primaries: /** @type {number[]} */ ([...primaries]) };
  }

  /** @param {string} name */
  async logFile(name) {
    const app = (await this.list()).find((a) => a.name === name);
    return app?.spec?.logs?.out ?? join(this.home, 'logs', `${name}-out.log`);
  }
}

class Pm2Engine extends CliEngine {
  /** @param {{ bin: string, version: string, runTag: string }} o */
  constructor(o) {
    super({ id: 'pm2', bin: o.bin, version: o.version, homeVar: 'PM2_HOME', pidFile: 'pm2.pid', runTag: o.runTag });
  }

  /** @param {AppStart} a */
  async startApp(a) {
    // PM2 gives an app the environment of the CLI that started it: PORT goes there.
    const logs = a.logFile ? ['--output', a.logFile, '--error', `${a.logFile}.err`, '--merge-logs'] : [];
    await this.ok(['start', a.script, '-i', String(a.instances), '--name', a.name, ...logs], 180000, {
      PORT: String(a.port),
    });
    await waitServing(a.port);
  }

  /** PM2's daemon is the cluster primary of every app: there is nothing else. */
  async managerPids() {
    return { daemon: this.daemonPid(), primaries: /** @type {number[]} */ ([]) };
  }
}

/**
 * What the two limits share: each app is one child process the bench spawns
 * in its own session, tagged `tagVar=<run tag>-<id>` so a sweep finds it and
 * whatever it forked.
 */
class SpawnEngine {
  /** @param {{ id: string, tagVar: string, stopSignal: NodeJS.Signals, runTag: string }} o */
  constructor(o) {
    this.id = o.id;
    this.tagVar = o.tagVar;
    this.stopSignal = o.stopSignal;
    this.tag = `${o.runTag}-${o.id}`;
    this.env = { ...baseEnv(o.runTag), [o.tagVar]: this.tag };
    /** @type {Map<string, import('node:child_process').ChildProcess>} */
    this.apps = new Map();
  }

  /**
   * @param {string} name
   * @param {string[]} args
   * @param {number} port
   * @param {import('node:child_process').StdioOptions} stdio
   */
  async spawnApp(name, args, port, stdio) {
    const child = spawn(process.execPath, args, {
      env: { ...this.env, PORT: String(port) },
      stdio,
      // Its own session, like the clusterctl and PM2 daemons (and any service
      // manager's unit): with the kernel's autogroup scheduling a session is
      // one scheduling group, so sharing the bench's session would hand the
      // workers and the load generator one CPU share between them.
      detached: true,
    });
    this.apps.set(name, child);
    await waitServing(port);
  }

  /**
   * A process that serves nothing (so nothing to wait for): the bench gives
   * it time to settle before it measures.
   * @param {string} name
   * @param {string[]} args
   */
  spawnIdle(name, args) {
    const child = spawn(process.execPath, args, { env: this.env, stdio: 'ignore', detached: true });
    this.apps.set(name, child);
    return child;
  }

  /** Every live process of this engine. */
  pids() {
    return pidsWithEnv(this.tagVar, this.tag);
  }

  /** The processes the bench spawned, one per app (a raw primary); there is no daemon. */
  async managerPids() {
    const primaries = [...this.apps.values()].map((c) => c.pid).filter((p) => typeof p === 'number');
    return { daemon: /** @type {number | null} */ (null), primaries: /** @type {number[]} */ (primaries) };
  }

  /** @param {string} name */
  async deleteApp(name) {
    const child = this.apps.get(name);
    this.apps.delete(name);
    if (!child || child.pid === undefined) return;
    const pid = child.pid;
    child.kill(this.stopSignal);
    await waitFor(() => !isAlive(pid), { timeoutMs: 10000, what: `${this.id} process ${pid} to exit` });
  }

  cleanup() {
    for (const child of this.apps.values()) if (child.pid !== undefined) killPids([child.pid], this.stopSignal);
    this.apps.clear();
    sweep(this.tagVar, this.tag);
  }
}

/** The limit: a bare node:cluster primary per app (bench/apps/raw-primary.js). */
class RawEngine extends SpawnEngine {
  /**
   * @param {{ root: string, runTag: string, id?: string }} o id: another one
   * ('raw-again') is the A/A control, its own tag so its pids are its own
   */
  constructor(o) {
    // SIGTERM: the primary kills its workers before it exits.
    super({ id: o.id ?? 'raw', tagVar: 'CLUSTERCTL_BENCH_RAW', stopSignal: 'SIGTERM', runTag: o.runTag });
    this.version = process.version;
    this.primary = join(o.root, 'bench', 'apps', 'raw-primary.js');
  }

  /** @param {AppStart} a */
  startApp(a) {
    return this.spawnApp(a.name, [this.primary, a.script, String(a.instances)], a.port, 'ignore');
  }
}

/**
 * A process that writes its stdout straight into a file, no manager at all:
 * the limit of the log scenario.
 */
class DirectLogEngine extends SpawnEngine {
  /** @param {{ runTag: string }} o */
  constructor(o) {
    super({ id: 'direct', tagVar: 'CLUSTERCTL_BENCH_DIRECT', stopSignal: 'SIGKILL', runTag: o.runTag });
  }

  /** @param {AppStart & { logFile: string }} a */
  async startApp(a) {
    const fd = openSync(a.logFile, 'a');
    // spawnApp() spawns before its first await: the child has its own copy of fd by the time we close ours.
    const serving = this.spawnApp(a.name, [a.script], a.port, ['ignore', fd, fd]);
    closeSync(fd);
    await serving;
  }
}

/**
 * SIGKILL every live process tagged KEY=value, repeatedly for a moment:
 * a dying primary may still fork a worker while we sweep.
 * @param {string} key
 * @param {string} value
 */
function sweep(key, value) {
  for (let i = 0; i < 5; i++) {
    const left = pidsWithEnv(key, value);
    if (left.length === 0) return;
    killPids(left);
    const until = Date.now() + 200;
    while (Date.now() < until && left.some(isAlive)) {
      /* SIGKILL is quick; a short spin keeps this usable from an 'exit' handler */
    }
  }
}

module.exports = { ClusterctlEngine, Pm2Engine, RawEngine, DirectLogEngine, sweep, RUN_TAG_VAR, baseEnv };
