/** Entry point of the daemon process (dist/daemon/main.js), started detached by the CLI. */
import { resolveHome } from '../protocol/paths';
import { runDaemon } from './daemon';

runDaemon(resolveHome()).catch((err: unknown) => {
  process.stderr.write(`clusterctl daemon: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
