/**
 * When, and whether, a worker that exited on its own comes back. Pure: the
 * app primary feeds it facts (exit code, how long the worker lived) and
 * follows its decision. Modelled on systemd's and PM2's habits: a crash soon
 * after start is "unstable"; too many unstable crashes in a row is a crash
 * loop that stops in `errored` until a person restarts the app. The daemon
 * decides with it whether a dead app primary is revived (its own PolicySpec).
 */
import { BACKOFF_RESET_AFTER_MS, backoffDelay } from './backoff';
import type { AppSpec } from '../protocol/types';

export interface RestartHistory {
  /** Unstable restarts in a row (reset by a stable run). */
  unstableInARow: number;
  /** Steps taken up the exponential backoff (reset after BACKOFF_RESET_AFTER_MS up). */
  backoffStep: number;
}

export const freshHistory = (): RestartHistory => ({ unstableInARow: 0, backoffStep: 0 });

export type RestartDecision =
  | { action: 'restart'; delayMs: number; history: RestartHistory; unstable: boolean }
  | { action: 'stop'; reason: string }
  | { action: 'errored'; reason: string; history: RestartHistory };

/**
 * What the policy reads: an AppSpec satisfies it (a worker's policy is its
 * app's settings), and the daemon builds one of its own for app primaries.
 */
export type PolicySpec = Readonly<
  Pick<
    AppSpec,
    'autorestart' | 'stopExitCodes' | 'minUptime' | 'maxRestarts' | 'restartDelay' | 'expBackoffRestartDelay'
  >
>;

export function decideRestart(
  spec: PolicySpec,
  exit: { code: number | null; signal: string | null; uptimeMs: number },
  history: RestartHistory,
): RestartDecision {
  if (exit.code !== null && spec.stopExitCodes.includes(exit.code)) {
    return { action: 'stop', reason: `exited with code ${exit.code}, a stop exit code: not restarted` };
  }
  if (!spec.autorestart) {
    return { action: 'stop', reason: `${describeExit(exit.code, exit.signal)}; autorestart is off` };
  }
  const unstable = exit.uptimeMs < spec.minUptime;
  const backoffStep = exit.uptimeMs >= BACKOFF_RESET_AFTER_MS ? 0 : history.backoffStep;
  if (unstable && history.unstableInARow >= spec.maxRestarts) {
    return {
      action: 'errored',
      reason: `crash loop: ${describeExit(exit.code, exit.signal)} within ${spec.minUptime} ms of starting, ${history.unstableInARow} restarts in a row; run \`clusterctl restart\` once it is fixed`,
      history: { unstableInARow: history.unstableInARow, backoffStep },
    };
  }
  const delayMs =
    spec.restartDelay > 0 ? spec.restartDelay : backoffFor(spec.expBackoffRestartDelay, backoffStep, unstable);
  return {
    action: 'restart',
    delayMs,
    unstable,
    history: { unstableInARow: unstable ? history.unstableInARow + 1 : 0, backoffStep: backoffStep + 1 },
  };
}

/**
 * A stable worker's first crash (after a fresh start or 30 s up) restarts at
 * once, as a bare primary re-forking on 'exit' and PM2 do: waiting the first
 * backoff step there cost 100 ms of every recovery (bench/PROFILE.md §5).
 * Crashes that repeat back off: a stable one from the first step on, an
 * unstable one (within minUptime of starting) one step further up, so a
 * crash loop slows down from its first restart.
 */
function backoffFor(firstMs: number, step: number, unstable: boolean): number {
  if (unstable) return backoffDelay(firstMs, step);
  return step === 0 ? 0 : backoffDelay(firstMs, step - 1);
}

/** How a process ended, as the middle of a sentence: "exited with code 1", "was killed by SIGKILL". */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code ?? '?'}`;
}
