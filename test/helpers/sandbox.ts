/**
 * A temporary CLUSTERCTL_HOME with a way to run the real `clusterctl` binary
 * in it, and a cleanup that leaves no process behind even when a test failed:
 * `clusterctl kill` first, then SIGKILL to every process still tagged with
 * this home (found by pid through /proc), then the folder is removed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive, killAll, processesOfHome } from './proc';
import { waitFor } from './wait';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'clusterctl');
export const FIXTURES = join(ROOT, 'fixtures');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  input?: string;
}

export interface Sandbox {
  home: string;
  env: Record<string, string>;
  cli(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** Like cli() but throws with the output when the exit code is not 0. */
  ok(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** `ls --json`, parsed. */
  list(): Promise<
    Array<{
      name: string;
      status: string;
      workers: Array<{ instance: number; pid: number | null; status: string; restarts: number }>;
    }>
  >;
  cleanup(): Promise<void>;
}

export function runNode(args: string[], opts: RunOptions & { env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function createSandbox(prefix = 'clusterctl-test-'): Sandbox {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.CLUSTERCTL_HOME = home;
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;

  const cli = (args: string[], opts: RunOptions = {}): Promise<CliResult> =>
    runNode([BIN, ...args], { ...opts, env: { ...env, ...(opts.env ?? {}) } });

  const sandbox: Sandbox = {
    home,
    env,
    cli,
    async ok(args, opts) {
      const r = await cli(args, opts);
      if (r.code !== 0) {
        throw new Error(`clusterctl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      }
      return r;
    },
    async list() {
      const r = await sandbox.ok(['ls', '--json']);
      return JSON.parse(r.stdout) as Awaited<ReturnType<Sandbox['list']>>;
    },
    async cleanup() {
      await cli(['kill'], { timeoutMs: 30000 }).catch(() => undefined);
      // Anything the kill missed is a bug the test should see, but it must not outlive the run.
      const left = processesOfHome(home);
      killAll(left);
      await waitFor(() => processesOfHome(home).every((p) => !isAlive(p)) || undefined, {
        timeoutMs: 10000,
        what: 'leftover processes to die',
      }).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return sandbox;
}
