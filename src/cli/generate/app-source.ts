/**
 * What `export systemd` and `export k8s` generate from: the apps of a config
 * file (read with the same loader as `start <file>`), or one app the running
 * daemon knows (its stored spec, from `describe`). Either way the result says
 * where it came from, because the generated command line differs: a file is
 * run again as a file (`run <file> --only <name>`), so later edits to it
 * apply; a daemon's app is run from its spec's script and options.
 */
import { resolve } from 'node:path';
import { isConfigFile } from '../../config/file/detect';
import { ClusterctlError } from '../../protocol/errors';
import { resolveHome } from '../../protocol/paths';
import { isAppName, type AppSpec } from '../../protocol/types';
import { notice, usage } from '../output';
import { withRunningDaemon } from '../session';
import { portableEnv } from './app-env';

/** `home`: the daemon's, whose default log paths a daemon app's spec holds. */
export type AppOrigin = { kind: 'config'; file: string } | { kind: 'daemon'; home: string };

export interface SourcedApp {
  spec: AppSpec;
  /** The variables the generated unit or manifest carries: the app's own, never the caller's session. */
  env: Record<string, string>;
  origin: AppOrigin;
}

async function fromConfigFile(file: string): Promise<SourcedApp[]> {
  const { loadConfigFile } = await import('../../config/file/load');
  const absFile = resolve(process.cwd(), file);
  // No base environment: only what the file sets belongs in the generated environment.
  const { specs, notices } = await loadConfigFile(file, { cwd: process.cwd(), home: resolveHome(), baseEnv: {} });
  for (const n of notices) notice(n);
  return specs.map((spec) => ({ spec, env: { ...spec.env }, origin: { kind: 'config', file: absFile } }));
}

async function fromDaemon(name: string): Promise<SourcedApp> {
  const found = await withRunningDaemon(async (client) => {
    const apps = await client.list();
    return apps.find((a) => a.name === name) ?? { missing: apps.map((a) => a.name) };
  });
  if (found === null) {
    throw new ClusterctlError(
      'E_APP_NOT_FOUND',
      `no app named ${name}: no daemon is running for ${resolveHome()} (give a config file instead, e.g. ecosystem.config.js)`,
    );
  }
  if ('missing' in found) {
    const known = found.missing.length > 0 ? `the daemon has: ${found.missing.join(', ')}` : 'the daemon has no apps';
    throw new ClusterctlError('E_APP_NOT_FOUND', `no app named ${name} (${known})`);
  }
  return { spec: found.spec, env: portableEnv(found.spec.env), origin: { kind: 'daemon', home: resolveHome() } };
}

/** The apps `target` names: every app of a config file, or one registered app. */
export async function sourceApps(target: string): Promise<SourcedApp[]> {
  if (isConfigFile(target)) return fromConfigFile(target);
  if (!isAppName(target))
    throw usage(`${JSON.stringify(target)} is neither an app name nor a config file (*.config.js, .json, .yaml)`);
  return [await fromDaemon(target)];
}
