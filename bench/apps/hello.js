'use strict';
// Hello world: the cheapest possible response, so the process manager's own
// cost (accept balancing, instrumentation) is what the throughput measures.
// The body carries the worker's pid: the crash scenario uses it to see the
// replacement answer.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const body = Buffer.from(JSON.stringify({ pid: process.pid }) + '\n');

http
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  })
  .listen(port);
