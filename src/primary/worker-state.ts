/**
 * The one worker state machine. A *process* moves launching → online →
 * stopping → stopped; an *instance slot* with no live process is
 * waiting-restart (backoff running), stopped (on purpose or a stop exit
 * code) or errored (crash loop: terminal until a person restarts the app).
 *
 *   launching ──listening / ready──▶ online ──drain+signal──▶ stopping ──exit──▶ stopped
 *       │                              │
 *       └──────── exit (crash) ────────┴──▶ waiting-restart ──backoff──▶ launching
 *                                      └──▶ errored (too many unstable restarts)
 */
import type { WorkerStatus } from '../protocol/types';

const ALLOWED: Record<WorkerStatus, readonly WorkerStatus[]> = {
  launching: ['online', 'stopping', 'stopped', 'waiting-restart', 'errored'],
  online: ['stopping', 'stopped', 'waiting-restart', 'errored'],
  stopping: ['stopped', 'waiting-restart', 'errored'],
  stopped: ['launching'],
  'waiting-restart': ['launching', 'stopped', 'errored'],
  errored: ['launching', 'stopped'],
};

export function canTransition(from: WorkerStatus, to: WorkerStatus): boolean {
  return from === to || ALLOWED[from].includes(to);
}
