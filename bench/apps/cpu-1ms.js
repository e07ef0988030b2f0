'use strict';
// An app with real work: about 1 ms of CPU per request (a busy loop on the
// monotonic clock, so the cost does not depend on the JIT's mood). With two
// cores, throughput is bounded near 2,000 req/s whatever manages the workers.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const body = Buffer.from(JSON.stringify({ pid: process.pid }) + '\n');

function burn(ms) {
  const until = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  let x = 0;
  while (process.hrtime.bigint() < until) x++;
  return x;
}

http
  .createServer((req, res) => {
    burn(1);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  })
  .listen(port);
