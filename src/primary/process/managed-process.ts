/**
 * What a slot runs, as the lifecycle and the ops see it. Today the one
 * implementations are a node:cluster worker (cluster-worker.ts) and a forked
 * child process of any executable (fork-process.ts, fork mode). Nothing above
 * this interface may care which.
 */
import type { Readable } from 'node:stream';
import type { StopSignal } from '../../protocol/types';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  at: number;
  /** Why it could not even be executed (fork mode: ENOENT, EACCES at spawn). */
  failure?: string;
}

export interface StopOptions {
  killTimeout: number;
  stopSignal: StopSignal;
  /** Send the message 'shutdown' over IPC instead of the stop signal. */
  shutdownWithMessage: boolean;
}

export interface ManagedProcess {
  readonly instance: number;
  readonly pid: number;
  /** epoch ms it was started. */
  readonly startedAt: number;
  /** Set once it has exited. */
  readonly exit: ExitInfo | null;
  /** Resolves when it has exited (and what it started has been killed). */
  readonly exited: Promise<ExitInfo>;
  /** Its output, captured into the app's log files. */
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** It started listening on a port. Each hook returns the way to stop listening. */
  onListening(listener: () => void): () => void;
  /** Its listen failed, with the error message and code (an errno such as EADDRINUSE, or PORT_CLAIMED) it reported. */
  onListenError(listener: (message: string, code: string | null) => void): () => void;
  /** Its script started running (reported by the preload; from spawn for a process without it). */
  onScriptStarted(listener: () => void): () => void;
  /** It said it is ready (`process.send('ready')`). */
  onReady(listener: () => void): () => void;
  /**
   * Graceful stop: drain, the stop signal, then SIGKILL to it and its
   * descendants if it is still there after `killTimeout`. Idempotent.
   */
  stop(opts: StopOptions): Promise<ExitInfo>;
  /** SIGKILL it and its descendants at once. */
  kill(): Promise<ExitInfo>;
  /** Refresh the descendants to kill when it exits (called on every metrics sample with a fresh walk). */
  rememberDescendants(descendants?: number[]): void;
}
