/**
 * App primaries that speak another protocol version (started by another
 * clusterctl): the daemon neither adopts nor commands them, since their
 * messages may mean something else. Such an app is left running and shown
 * in the `incompatible` phase with what to do; once its primary is gone the
 * app is this daemon's again.
 */
import { appFileName, shellName } from '../protocol/app-name';
import { ClusterctlError } from '../protocol/errors';
import { primarySocketPath } from '../protocol/paths';
import { parseAppSpec } from '../protocol/schemas';
import type { AppSpec } from '../protocol/types';
import { IncompatiblePrimaryError, PrimaryHandle } from './app-primary';
import type { AppManager } from './apps';
import type { AppEntry } from './registry';

/** What `ls` shows on such an app: who speaks what, and how to get out of it. */
export function incompatibleReason(name: string, mismatch: string, pid: number | null): string {
  // checkProtocol's advice (`clusterctl update`) is about the daemon; this primary needs its own clusterctl.
  const what = mismatch.split(';')[0] ?? mismatch;
  const orKill = pid !== null ? ` (or end pid ${pid}, its session holds the workers)` : '';
  return `${what}: it was left running and this daemon does not manage it; stop it with the clusterctl version that started it${orKill}, then run \`clusterctl restart ${shellName(name)}\``;
}

/** Records that the primary of `name` answered with another protocol version; logs a warning either way. */
export function markIncompatible(manager: AppManager, name: string, err: ClusterctlError): void {
  const { registry, logger } = manager;
  const pid = err instanceof IncompatiblePrimaryError ? err.pid : null;
  const reason = incompatibleReason(name, err.message, pid);
  let entry = registry.get(name);
  if (!entry) {
    // Not in state.json: shown only if this version can read the spec it reports.
    const spec = err instanceof IncompatiblePrimaryError ? readableSpec(err.spec) : null;
    // Found by its socket, whose file name is the file form of the name the spec holds.
    if (spec && appFileName(spec.name) === appFileName(name)) entry = registry.add(spec, { desired: 'running' });
  }
  if (entry) registry.transition(entry, { type: 'incompatible', reason, pid });
  logger.warn({ app: name, primaryPid: pid }, reason);
}

/**
 * Before a verb acts on apps: an incompatible app whose primary has gone is
 * this daemon's again (stopped); one whose primary still runs is refused
 * when named, and left out of `all` or a namespace.
 */
export async function excludeIncompatible(
  manager: AppManager,
  entries: AppEntry[],
  /** The target is a set (`all`, a namespace: Registry.isSet), decided with its lookup. */
  isSet: boolean,
): Promise<AppEntry[]> {
  const kept: AppEntry[] = [];
  for (const entry of entries) {
    const phase = entry.phase;
    if (phase.kind !== 'incompatible') {
      kept.push(entry);
    } else if (!(await stillIncompatible(manager, entry))) {
      manager.registry.transition(entry, { type: 'released' });
      kept.push(entry);
    } else if (!isSet) {
      throw new ClusterctlError('E_PROTOCOL_MISMATCH', phase.reason);
    }
  }
  return kept;
}

async function stillIncompatible(manager: AppManager, entry: AppEntry): Promise<boolean> {
  try {
    const handle = await PrimaryHandle.connect(primarySocketPath(manager.deps.home, entry.name), entry.name, 1000);
    // Someone replaced it with a primary of this version: not the one we refused.
    handle.close();
    return false;
  } catch (err) {
    return err instanceof ClusterctlError && err.code === 'E_PROTOCOL_MISMATCH';
  }
}

function readableSpec(spec: unknown): AppSpec | null {
  try {
    return parseAppSpec(spec);
  } catch {
    return null;
  }
}
