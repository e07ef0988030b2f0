/**
 * At daemon start: re-register the apps of state.json, adopt every primary
 * that still answers (same workers, nothing restarted), leave alone a
 * primary that speaks another protocol version, and start again the apps
 * that should run but whose primary is gone.
 */
import { readdirSync } from 'node:fs';
import type { PrimaryStatus } from '../protocol/api';
import { appFileName } from '../protocol/app-name';
import { ClusterctlError } from '../protocol/errors';
import { primarySocketPath } from '../protocol/paths';
import { readState } from '../state/state-file';
import { PrimaryHandle } from './app-primary';
import type { AppManager } from './apps';
import { markIncompatible } from './compat';
import type { AppEntry } from './registry';

export async function restore(manager: AppManager): Promise<void> {
  const { registry, logger, deps } = manager;
  const { state, warnings } = readState(deps.stateFile);
  for (const w of warnings) logger.warn({ stateFile: deps.stateFile }, w);
  for (const app of state.apps) {
    if (registry.has(app.spec.name)) continue;
    try {
      registry.add(app.spec, {
        desired: app.desired,
        createdAt: app.createdAt,
        restartOffsets: app.restartOffsets,
      });
    } catch (err) {
      // Only a state.json edited by hand holds two names with one file form: keep the first, say so.
      if (!(err instanceof ClusterctlError) || err.code !== 'E_NAME_CLASH') throw err;
      logger.warn({ stateFile: deps.stateFile, app: app.spec.name }, `${err.message}; left out`);
    }
  }
  // One socket per file form: a registered app is looked for under its name's
  // file form; a socket nobody registered is asked who it is (see adopt).
  const byForm = new Map(registry.all().map((e) => [appFileName(e.name), e.name]));
  for (const form of socketForms(deps.runDir)) if (!byForm.has(form)) byForm.set(form, form);
  await Promise.all([...byForm.values()].map((name) => adoptOrRevive(manager, name)));
  registry.persist();
}

async function adoptOrRevive(manager: AppManager, name: string): Promise<void> {
  const { registry, logger } = manager;
  let handle: PrimaryHandle | null;
  try {
    handle = await PrimaryHandle.connect(primarySocketPath(manager.deps.home, name), name, 1000);
  } catch (err) {
    if (err instanceof ClusterctlError && err.code === 'E_PROTOCOL_MISMATCH') {
      markIncompatible(manager, name, err);
      return;
    }
    handle = null;
  }
  const entry = handle ? await adopt(manager, name, handle) : (registry.get(name) ?? null);
  if (entry && entry.phase.kind === 'stopped' && entry.desired === 'running') {
    logger.warn({ app: name }, 'app should run but its primary is gone; starting it again');
    manager.revival.schedule(entry, 'was not running when the daemon started', 0, 0);
  }
}

/** Takes over a primary that answered; returns the app's entry (null when it answered nothing usable). */
async function adopt(manager: AppManager, name: string, handle: PrimaryHandle): Promise<AppEntry | null> {
  const { registry, logger } = manager;
  let status: PrimaryStatus = handle.hello;
  let entry = registry.get(name);
  if (!entry) {
    // A primary that state.json does not know (the file was lost): its own
    // spec describes it, and its display name is the one that spec holds.
    if (appFileName(status.spec.name) !== appFileName(name)) {
      logger.warn(
        { socket: name, app: status.spec.name },
        'an app primary answers on a socket not of its name; left alone',
      );
      handle.close();
      return null;
    }
    entry = registry.add(status.spec, { desired: 'running', createdAt: status.startedAt });
  }
  if (!status.initialised) {
    // It was spawned but never initialised (the previous daemon died in between): start over.
    logger.warn(
      { app: entry.name, primaryPid: handle.pid },
      'found an app primary that was never initialised; replacing it',
    );
    await handle.stop(entry.spec.killTimeout);
    return entry;
  }
  status = await handle.status().catch(() => status);
  entry.desired = 'running';
  manager.attach(entry, handle, status);
  registry.transition(entry, { type: 'adopt' });
  logger.info(
    { app: entry.name, primaryPid: handle.pid, workers: status.workers.map((w) => w.pid) },
    'adopted running app primary',
  );
  return entry;
}

/** The file forms of the app names that have a socket in run/ (not run/groups/: the hosts' own sockets). */
function socketForms(runDir: string): string[] {
  try {
    return readdirSync(runDir, { withFileTypes: true })
      .filter((f) => !f.isDirectory() && f.name.endsWith('.sock'))
      .map((f) => f.name.slice(0, -'.sock'.length));
  } catch {
    return [];
  }
}
