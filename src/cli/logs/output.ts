/**
 * Writing log lines to stdout for a command that may run until Ctrl-C or
 * until its reader goes away (`clusterctl logs | head`): both end it with
 * status 0, not with an EPIPE stack trace.
 */
export function writeLines(lines: readonly string[]): void {
  if (lines.length === 0) return;
  process.stdout.write(lines.join('\n') + '\n');
}

/** A reader that went away (EPIPE) ends the command with status 0; with `follow`, so do Ctrl-C and SIGTERM. */
export function exitQuietlyOnClose(follow: boolean): void {
  const quit = (): void => process.exit(0);
  // Node reports a closed pipe as an EPIPE 'error' event on stdout, fatal when nothing listens
  // (nodejs/node#947); a write made after Node destroyed the stream for it fails with ERR_STREAM_DESTROYED.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') quit();
    else throw err;
  });
  if (!follow) return;
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}
