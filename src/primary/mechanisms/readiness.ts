/**
 * When a started process counts as online: when it listens, or with
 * `--wait-ready` when it sends `ready`, or with a readiness probe when the
 * probe passes, or (an app that has never listened, such as a queue
 * consumer) once it has stayed up `stableAfterMs`. Works on any
 * ManagedProcess.
 *
 * The listen timeout bounds only what must happen: a `ready` message, a
 * probe, or the listen of a replacement of an app that has listened before.
 * An app that never listens is never killed for not listening: it is online
 * once it has stayed up `stableAfterMs`, whatever the listen timeout.
 */
import { describeExit } from '../../supervision/restart-policy';
import { ClusterctlError } from '../../protocol/errors';
import type { ManagedProcess } from '../process/managed-process';
import { PORT_CLAIMED } from '../process/port-claims';
import { startProbe, type ProbeSpec } from './probe';

export interface ReadinessRule {
  waitReady: boolean;
  listenTimeout: number;
  /** Count the process online after this long alive even if it never listens (null: it must listen). */
  stableAfterMs: number | null;
  /** A readiness probe (HTTP, TCP or a log line): online when it passes. */
  probe: ProbeSpec | null;
}

/** What the rule waits for, in words for the timeout message. */
function awaited(rule: ReadinessRule): string {
  if (rule.probe) return `pass its readiness probe (${rule.probe.describe})`;
  if (rule.waitReady) return "send process.send('ready')";
  return 'listen';
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
    const settle = (why: string | null, code: string | null = null): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      for (const off of unhook) off();
      if (why === null && proc.exit) why = describeExit(proc.exit.code, proc.exit.signal);
      if (why === null) resolve();
      else reject(code === PORT_CLAIMED ? new ClusterctlError(PORT_CLAIMED, why) : new Error(why));
    };
    unhook.push(proc.onListenError((message, code) => settle(`could not listen: ${message}`, code)));
    if (rule.probe) unhook.push(startProbe(proc, rule.probe, () => settle(null)));
    else if (rule.waitReady) unhook.push(proc.onReady(() => settle(null)));
    else unhook.push(proc.onListening(() => settle(null)));
    void proc.exited.then((e) => settle(e.failure ?? `${describeExit(e.code, e.signal)} before coming online`));
    const stable = !rule.waitReady && !rule.probe && rule.stableAfterMs !== null;
    if (stable) {
      // The stability clock starts when the script runs, not at fork: a loaded
      // machine can take longer than min_uptime just to start node.
      const after = rule.stableAfterMs ?? 0;
      unhook.push(proc.onScriptStarted(() => timers.push(setTimeout(() => settle(null), after))));
      return;
    }
    timers.push(
      setTimeout(
        () => settle(`did not ${awaited(rule)} within ${rule.listenTimeout} ms (--listen-timeout)`),
        rule.listenTimeout,
      ),
    );
  });
}
