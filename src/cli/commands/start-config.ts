/**
 * Config files on the command line: `start <file>` and `apply <file>` both
 * load the file here (zod and yaml are loaded only then, never on the CLI's
 * start-up path), print its notices, and hand back validated specs.
 */
import { appEnvironment } from '../../config/flags';
import { resolveHome } from '../../protocol/paths';
import type { AppSpec } from '../../protocol/types';
import { notice, print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';
import { runForced } from './plan-steps';

export interface ConfigFlags {
  /** `--env <name>`: the env_<name> block of each app. */
  env?: string;
  /** `--only a,b` as given. */
  only?: string;
}

export function parseOnly(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) throw usage(`--only ${JSON.stringify(raw)}: expected app names separated by commas`);
  return names;
}

export function parseEnvName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9_.-]+$/.test(raw)) {
    throw usage(
      `--env ${JSON.stringify(raw)}: with a config file, --env names the env_<name> block to use (e.g. --env production)`,
    );
  }
  return raw;
}

export async function loadSpecs(file: string, flags: ConfigFlags): Promise<AppSpec[]> {
  const { loadConfigFile } = await import('../../config/file/load');
  const { specs, notices } = await loadConfigFile(file, {
    env: parseEnvName(flags.env),
    only: parseOnly(flags.only),
    cwd: process.cwd(),
    home: resolveHome(),
    baseEnv: appEnvironment(process.env, []),
  });
  for (const n of notices) notice(n);
  return specs;
}

/**
 * `clusterctl start <file>`: start every app of the file (or of --only) that
 * clusterctl does not have, all together; then, as PM2 does, restart each app
 * of the file that it has with the file's spec (one that is stopped starts
 * again), as `restart <file>` does: `start` after new code is on disk runs
 * the new code. Nothing is started unless the whole file is valid.
 */
export async function startFromConfig(file: string, flags: ConfigFlags): Promise<void> {
  const specs = await loadSpecs(file, flags);
  const names = new Set(specs.map((s) => s.name));
  const { apps, failures } = await withClient(async (client) => {
    const current = (await client.list()).filter((a) => names.has(a.name));
    const known = new Set(current.map((a) => a.name));
    const fresh = specs.filter((s) => !known.has(s.name));
    // Each app has its own primary: start them together, so one slow app does not hold up the rest.
    const results = await Promise.allSettled(fresh.map((s) => client.start({ spec: s })));
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ name: fresh[i]?.name ?? '?', err: r.reason as unknown }] : [],
    );
    if (current.length > 0) {
      const again = specs.filter((s) => known.has(s.name));
      await runForced(client, 'restart', again, current, 'start').catch((err: unknown) => {
        failures.push({ name: again.map((s) => s.name).join(', '), err });
      });
    }
    return { apps: (await client.list()).filter((a) => names.has(a.name)), failures };
  });
  if (apps.length > 0) print(renderAppTable(apps));
  if (failures.length > 0) {
    for (const f of failures.slice(1))
      notice(`${f.name}: ${f.err instanceof Error ? f.err.message.split('\n')[0] : String(f.err)}`);
    throw failures[0]?.err;
  }
}

export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The flags of `start <file>`: a config file carries every option itself, so
 * only --env (one environment name) and --only apply; anything else would be
 * silently ignored, so it is refused.
 */
export function configStartFlags(
  args: readonly string[],
  env: readonly string[] | undefined,
  only: string | undefined,
  otherFlags: readonly string[],
): ConfigFlags {
  if (otherFlags.length > 0) {
    throw usage(
      `${otherFlags.map(flagName).join(', ')}: with a config file, set options in the file (only --env NAME and --only apply)`,
    );
  }
  if (args.length > 0) throw usage('arguments after a config file are not used: set "args" in the file');
  if (env !== undefined && env.length > 1)
    throw usage('--env: with a config file, give one environment name (e.g. --env production)');
  return { env: env?.[0], only };
}
