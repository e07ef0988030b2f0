import type { CallContext } from '../../protocol/rpc-server';
import { daemonParamSchemas, parseWith } from '../../protocol/schemas';
import type { AppManager } from '../apps';
import type { DaemonContext } from '../context';

/**
 * Stops every app (in parallel) and forgets them all: the next daemon
 * starts empty. A primary of another protocol version is not ours to stop:
 * it is left running (the next daemon finds it in run/ again).
 */
export async function killAll(manager: AppManager): Promise<string[]> {
  const { registry, logger } = manager;
  // A start still in flight would otherwise leave its primary running after the daemon is gone.
  await manager.beginShutdown();
  const entries = registry.all().filter((e) => e.phase.kind !== 'incompatible');
  const running = entries.filter((e) => e.primary !== null).map((e) => e.name);
  for (const e of entries) registry.transition(e, { type: 'stop', op: 'kill' });
  await Promise.allSettled(entries.map((e) => manager.stopOne(e)));
  registry.clear();
  registry.persist();
  logger.info({ apps: running }, 'every app stopped for kill');
  return running;
}

/** Stops every app gracefully, replies, then the daemon exits and removes its socket. */
export function killHandler(ctx: DaemonContext) {
  return async (params: unknown, call: CallContext): Promise<{ stopped: string[] }> => {
    parseWith(daemonParamSchemas.kill, params, 'kill params');
    ctx.logger.info('kill requested');
    const stopped = await killAll(ctx.manager);
    // Exit once the reply is handed to the kernel, so the CLI always reads it.
    call.afterReply(() => ctx.exit('kill'));
    return { stopped };
  };
}
