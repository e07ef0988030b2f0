/**
 * Runs inside a draining worker (imported by the preload). The stop signal
 * now comes while long-lived connections (WebSockets, event streams) are
 * still open, so an app can close them itself. An app that has no handler
 * for that signal would die of it at once, cutting them; instead it keeps
 * them until they end or the primary's SIGKILL at the kill timeout, as an
 * app with nothing to say about its connections always had. When nothing is
 * open, the signal is raised again with the default action, so the exit is
 * recorded exactly as before (killed by SIGINT, etc.).
 */

/** Signals whose default action ends the process (SIGUSR1 starts the inspector instead). */
const ENDING = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2']);
const CHECK_EVERY_MS = 50;

/**
 * Installed at the start of a drain, before the stop signal can arrive.
 * Prepended, so it runs before any `once` handler of the app removes itself:
 * the count it reads includes every handler the app has.
 */
export function holdDefaultStop(signal: string, openConnections: () => number): void {
  if (!ENDING.has(signal)) return;
  const sig = signal as NodeJS.Signals;
  const onSignal = (): void => {
    if (process.listenerCount(sig) > 1) return; // the app handles it
    process.off(sig, onSignal);
    const timer = setInterval(() => {
      if (openConnections() > 0) return;
      clearInterval(timer);
      process.kill(process.pid, sig);
    }, CHECK_EVERY_MS);
    if (openConnections() === 0) {
      clearInterval(timer);
      process.kill(process.pid, sig);
    }
  };
  process.prependListener(sig, onSignal);
}
