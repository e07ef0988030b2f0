/**
 * PM2's verbs on a config file: `stop|delete|restart|reload <file>` act on
 * the apps the file declares (or those of `--only`), and
 * `startOrRestart|startOrReload <file>` are the same restart and reload.
 * As in PM2, `restart` and `reload` on a file start the apps that are not
 * running, and every running app of the file gets the verb with the file's
 * spec (env from this shell and the file's env blocks, as `apply`), changed or
 * not: a deploy runs them after new code is on disk. `stop` and `delete`
 * act on the file's apps that clusterctl runs and say which it does not.
 */
import { existsSync, statSync } from 'node:fs';
import { isConfigFile } from '../../config/file/detect';
import { ClusterctlError } from '../../protocol/errors';
import type { AppInfo, AppSpec } from '../../protocol/types';
import { notice, print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient } from '../session';
import { runForced } from './plan-steps';
import { flagName, loadSpecs, type ConfigFlags } from './start-config';

/** `target` when it names a config file that exists (an app may be called `web.json`), else null. */
export function configFileTarget(target: string): string | null {
  return isConfigFile(target) && existsSync(target) && statSync(target).isFile() ? target : null;
}

/** `--only` (and reload's `--env NAME`) outside a config file: refused, as `start` does. */
export function refuseFileFlags(flags: { only?: string; env?: unknown }, envNamesABlock = false): void {
  if (flags.only !== undefined) throw usage('--only selects apps of a config file (*.config.js, .json, .yaml)');
  if (envNamesABlock && flags.env !== undefined)
    throw usage(
      "--env NAME selects the env_<NAME> blocks of a config file's apps; a reload by name keeps its environment",
    );
}

/**
 * The flags of a verb on a config file: `--env NAME` (one environment name) and `--only`; a
 * file carries every other option itself, so any other flag given is refused, not ignored.
 * `accepted` lists flags that mean nothing more with a file (restart's `--update-env`: the
 * environment always comes from this shell and the file).
 */
export function fileFlags(flags: object, accepted: readonly string[] = []): ConfigFlags {
  const given = Object.entries(flags)
    .filter(([k, v]) => v !== undefined && k !== 'env' && k !== 'only' && !accepted.includes(k))
    .map(([k]) => flagName(k));
  if (given.length > 0)
    throw usage(`${given.join(', ')}: with a config file, set options in the file (only --env NAME and --only apply)`);
  const { env, only } = flags as { env?: string | string[]; only?: string };
  if (Array.isArray(env) && env.length > 1)
    throw usage('--env: with a config file, give one environment name (e.g. --env production)');
  return { env: Array.isArray(env) ? env[0] : env, only };
}

function appsOf(apps: AppInfo[], specs: AppSpec[]): AppInfo[] {
  const names = new Set(specs.map((s) => s.name));
  return apps.filter((a) => names.has(a.name));
}

/** `restart <file>` / `reload <file>` (and startOrRestart / startOrReload). */
export async function forceOnFile(verb: 'reload' | 'restart', file: string, flags: ConfigFlags): Promise<void> {
  const specs = await loadSpecs(file, flags);
  const { summarize } = await import('../../config/apply');
  await withClient(async (client) => {
    const plan = await runForced(client, verb, specs, appsOf(await client.list(), specs), verb);
    print(`Done: ${summarize(plan)}.`);
    const apps = appsOf(await client.list(), specs);
    if (apps.length > 0) print(renderAppTable(apps));
  });
}

/** `stop <file>` / `delete <file>`: each app of the file that clusterctl runs; the others are named. */
export async function stopOrDeleteFile(verb: 'stop' | 'delete', file: string, flags: ConfigFlags): Promise<void> {
  const specs = await loadSpecs(file, flags);
  await withClient(async (client) => {
    const registered = new Set((await client.list()).map((a) => a.name));
    const known = specs.filter((s) => registered.has(s.name));
    const unknown = specs.filter((s) => !registered.has(s.name)).map((s) => JSON.stringify(s.name));
    if (known.length === 0)
      throw new ClusterctlError(
        'E_APP_NOT_FOUND',
        `none of the apps of ${file} (${unknown.join(', ')}) is known to clusterctl; \`clusterctl ls\` lists the apps`,
      );
    if (unknown.length > 0) notice(`not known to clusterctl, left out: ${unknown.join(', ')}`);
    if (verb === 'delete') {
      for (const s of known) {
        const { deleted } = await client.delete({ target: s.name });
        print(deleted.map((name) => `deleted ${name}`).join('\n'));
      }
      return;
    }
    for (const s of known) await client.stop({ target: s.name });
    print(renderAppTable(appsOf(await client.list(), known)));
  });
}
