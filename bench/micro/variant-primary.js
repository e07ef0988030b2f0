'use strict';
// bench/apps/raw-primary.js with clusterctl's worker settings switchable, for
// accept-path.js: VP_SILENT=1 gives workers stdout/stderr pipes the primary
// reads (clusterctl's `silent: true`), VP_PRELOAD=FILE adds `--require FILE`.
// Usage: node variant-primary.js <script> <workers>
const cluster = require('node:cluster');
const path = require('node:path');

const script = path.resolve(process.argv[2]);
const count = Number(process.argv[3]);
const silent = process.env.VP_SILENT === '1';
const preload = process.env.VP_PRELOAD;
cluster.setupPrimary({ exec: script, args: [], silent, execArgv: preload ? ['--require', preload] : [] });
function fork() {
  const w = cluster.fork();
  // Read the pipes as clusterctl's log capture does (here: drop the bytes).
  if (silent) for (const s of [w.process.stdout, w.process.stderr]) s && s.on('data', () => undefined);
}
cluster.on('exit', () => fork());
for (let i = 0; i < count; i++) fork();
function shutdown() {
  cluster.removeAllListeners('exit');
  for (const w of Object.values(cluster.workers || {})) w && w.process.kill('SIGKILL');
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
