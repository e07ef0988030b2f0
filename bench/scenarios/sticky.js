'use strict';
/**
 * 8. What `--sticky` routing costs: the same hello app, 2 workers, started
 * once with node:cluster's own round-robin and once with `--sticky` (the
 * app primary accepts each connection, picks a worker by client address and
 * hands the socket over IPC; plain HTTP also has its first bytes read for
 * socket.io's sid). The reference column is clusterctl's default mode; the
 * ratio is sticky / default. With keep-alive the cost is per connection
 * only; with a new connection per request it is paid on every request.
 */
const { newRow, push, markUnavailable } = require('../lib/report');
const { alternate } = require('../lib/stats');
const { freePort, waitServing } = require('../lib/probe');
const { startLoad } = require('../lib/load');

const CONNECTIONS = 16;
const WORKERS = 2;

/** @param {import('../run').Context} ctx */
async function sticky(ctx) {
  const rounds = ctx.quick ? 1 : 4;
  const durationMs = ctx.quick ? 1000 : 3000;
  const notes = [
    `${WORKERS} workers, ${CONNECTIONS} connections, ${rounds} run(s) of ${durationMs / 1000} s per mode; reference: the same app in clusterctl's default (round-robin) mode`,
  ];
  const engine = ctx.engines.clusterctl;
  const rows = [];
  const modes = [true, false].map((keepAlive) => {
    const mode = keepAlive ? 'keep-alive' : 'new connection per request';
    return {
      keepAlive,
      rps: newRow(`--sticky, ${mode}: throughput`, 'req/s', { better: 'higher', limitLabel: 'default mode' }),
      p99: newRow(`--sticky, ${mode}: p99 latency`, 'ms', { limitLabel: 'default mode' }),
    };
  });
  for (const m of modes) rows.push(m.rps, m.p99);
  if (!engine) {
    for (const m of modes) markUnavailable([m.rps, m.p99], 'clusterctl', ctx.skipped.clusterctl ?? 'not started');
    return { rows, notes };
  }
  /** @type {Record<string, number>} 'clusterctl' is the sticky app, 'limit' the default one */
  const ports = { clusterctl: await freePort(), limit: await freePort() };
  const names = { clusterctl: 'sticky-hello', limit: 'rr-hello' };
  for (const side of /** @type {const} */ (['clusterctl', 'limit'])) {
    const args = [
      'start',
      ctx.apps.hello,
      '-i',
      String(WORKERS),
      '--name',
      names[side],
      '--env',
      `PORT=${ports[side]}`,
    ];
    await engine.ok(side === 'clusterctl' ? [...args, '--sticky'] : args, 180000);
    await waitServing(ports[side]);
  }
  try {
    for (const m of modes) {
      for (const { round, engine: side } of alternate(['clusterctl', 'limit'], rounds)) {
        const r = await startLoad({ port: ports[side], connections: CONNECTIONS, keepAlive: m.keepAlive, durationMs })
          .done;
        push(m.rps, side, r.rps);
        if (r.latencyMs.p99 !== null) push(m.p99, side, r.latencyMs.p99);
        if (r.failed > 0)
          notes.push(`${side} run ${round + 1}: ${r.failed} failed requests (${JSON.stringify(r.errors)})`);
      }
    }
  } finally {
    for (const name of Object.values(names)) await engine.deleteApp(name).catch(() => undefined);
  }
  return { rows, notes };
}

module.exports = { id: 'sticky', title: '8. Cost of --sticky routing against round-robin', run: sticky };
