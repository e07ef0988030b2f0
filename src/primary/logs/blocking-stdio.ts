/**
 * Runs inside every worker (imported by the worker preload): makes the
 * worker's stdout and stderr pipes blocking.
 *
 * Node writes to a pipe asynchronously: when the pipe is full the bytes wait
 * in the worker's own memory. A worker that is then killed (SIGKILL, the OOM
 * killer, a native crash) loses them, so the last lines before the crash,
 * the ones that explain it, never reach the log; and a worker flooding its
 * output grows its memory instead of slowing down. With blocking pipes a
 * write returns only once the bytes are in the kernel's pipe buffer, from
 * which the primary reads them even after the worker is gone, and a worker
 * writing faster than its log files take it waits (back-pressure).
 */
type MaybeBlocking = { _handle?: { setBlocking?: (blocking: boolean) => unknown } | null };

for (const stream of [process.stdout, process.stderr] as unknown as MaybeBlocking[]) {
  const handle = stream._handle;
  // Only pipes need it (files and TTYs are already synchronous); an inherited fd without a handle is left alone.
  if (handle && typeof handle.setBlocking === 'function') handle.setBlocking(true);
}

export {};
