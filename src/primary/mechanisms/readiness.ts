/**
 * When a started process counts as online: when it listens, or with
 * `--wait-ready` when it sends `ready`, or (an app that has never listened,
 * such as a queue consumer) once it has stayed up `stableAfterMs`. Works on
 * any ManagedProcess.
 */
import { describeExit } from '../../supervision/restart-policy';
import type { ManagedProcess } from '../process/managed-process';

export interface ReadinessRule {
  waitReady: boolean;
  listenTimeout: number;
  /** Count the process online after this long alive even if it never listens (null: it must listen). */
  stableAfterMs: number | null;
}

/**
 * Resolves when `proc` is online by `rule`; rejects with a reason a user can
 * read when it exits, fails to listen, or runs out of time. Call it right
 * after starting the process, so that no event is missed.
 */
export function waitOnline(proc: ManagedProcess, rule: ReadinessRule): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const unhook: Array<() => void> = [];
    const settle = (why: string | null): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      for (const off of unhook) off();
      if (why === null && proc.exit) why = describeExit(proc.exit.code, proc.exit.signal);
      if (why === null) resolve();
      else reject(new Error(why));
    };
    unhook.push(proc.onListenError((message) => settle(`could not listen: ${message}`)));
    if (rule.waitReady) unhook.push(proc.onReady(() => settle(null)));
    else unhook.push(proc.onListening(() => settle(null)));
    void proc.exited.then((e) => settle(`${describeExit(e.code, e.signal)} before coming online`));
    timers.push(
      setTimeout(() => {
        settle(
          rule.waitReady
            ? `did not send process.send('ready') within ${rule.listenTimeout} ms (--listen-timeout)`
            : `did not listen within ${rule.listenTimeout} ms (--listen-timeout)`,
        );
      }, rule.listenTimeout),
    );
    if (!rule.waitReady && rule.stableAfterMs !== null) {
      timers.push(setTimeout(() => settle(null), rule.stableAfterMs));
    }
  });
}
