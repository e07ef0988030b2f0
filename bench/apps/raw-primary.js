'use strict';
// The limit the HTTP scenarios compare against: a bare node:cluster primary
// with N workers of the same script, nothing else (no IPC traffic, no
// metrics, no log capture). It replaces a worker that dies, so the crash
// scenario has a reference too.
// Usage: node raw-primary.js <script> <workers>
const cluster = require('node:cluster');
const path = require('node:path');

const script = path.resolve(process.argv[2]);
const count = Number(process.argv[3]);
if (!Number.isInteger(count) || count < 1) {
  console.error('usage: raw-primary.js <script> <workers>');
  process.exit(2);
}

cluster.setupPrimary({ exec: script, args: [] });
let stopping = false;
const instanceOf = new Map();

function fork(instance) {
  const worker = cluster.fork({ NODE_APP_INSTANCE: String(instance) });
  instanceOf.set(worker.id, instance);
}

cluster.on('exit', (worker) => {
  const instance = instanceOf.get(worker.id);
  instanceOf.delete(worker.id);
  if (!stopping && instance !== undefined) fork(instance);
});

for (let i = 0; i < count; i++) fork(i);

function shutdown() {
  stopping = true;
  for (const w of Object.values(cluster.workers || {})) w && w.process.kill('SIGKILL');
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
