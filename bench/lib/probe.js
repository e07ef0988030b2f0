'use strict';
// One-off HTTP requests on 127.0.0.1: readiness checks and triggers; reading the bench apps' answers.
const http = require('node:http');
const { waitFor } = require('./proc');

/**
 * @param {number} port
 * @param {string} [path]
 * @param {number} [timeoutMs]
 * @returns {Promise<{ status: number, body: string }>}
 */
function httpGet(port, path = '/', timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves once the port answers 200, fails after timeoutMs. */
function waitServing(port, timeoutMs = 30000) {
  return waitFor(async () => (await httpGet(port, '/', 2000)).status === 200, {
    timeoutMs,
    what: `127.0.0.1:${port} to serve`,
  });
}

/** A TCP port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = require('node:net').createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * The worker pid in a response of bench/apps/hello.js (`{"pid":123}`), or null.
 * @param {Buffer} body
 */
function pidOf(body) {
  const m = /"pid":(\d+)/.exec(body.toString('latin1'));
  return m ? Number(m[1]) : null;
}

module.exports = { httpGet, waitServing, freePort, pidOf };
