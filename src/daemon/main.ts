/** Entry point of the daemon process (dist/daemon/main.js), started detached by the CLI. */
import { resolveHome } from '../protocol/paths';
import { runDaemon } from './daemon';

runDaemon(resolveHome()).catch((err: unknown) => {
  // stdout/stderr are appended to daemon.log: the stack for whoever debugs, then one
  // last line the CLI quotes when it reports that the daemon could not start.
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.stderr.write(`clusterctl daemon: cannot start: ${message}\n`);
  process.exit(1);
});
