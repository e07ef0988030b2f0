/**
 * Writing log lines to stdout for a command that may run until Ctrl-C or
 * until its reader goes away (`clusterctl logs | head`): both end it with
 * status 0, not with an EPIPE stack trace.
 */
export function writeLines(lines: readonly string[]): void {
  if (lines.length === 0) return;
  process.stdout.write(lines.join('\n') + '\n');
}

export function exitQuietlyOnClose(onExit: () => void = () => undefined): void {
  const quit = (): void => {
    onExit();
    process.exit(0);
  };
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') quit();
    else throw err;
  });
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  // A closed pipe is only noticed on the next write; a reader that went away while
  // no line came would otherwise keep us polling forever.
  process.stdout.once('close', quit);
}
