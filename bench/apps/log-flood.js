'use strict';
// Writes a burst of numbered 100-byte lines to stdout when asked over HTTP
// (GET /flood?run=R&lines=N), one write per line as a chatty app does, and
// waits for 'drain' when stdout pushes back. It answers once every line has
// been handed to stdout; the bench then watches the log file fill up.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const LINE_BYTES = 100;

function line(run, seq) {
  const head = `flood r${run} ${String(seq).padStart(6, '0')} `;
  return head + 'x'.repeat(LINE_BYTES - 1 - head.length) + '\n';
}

function flood(run, lines, done) {
  let seq = 0;
  const pump = () => {
    while (seq < lines) {
      // Only an explicit false is back-pressure: a manager that patches
      // stdout.write (PM2 does, in cluster mode) may return undefined and
      // never emit 'drain'.
      if (process.stdout.write(line(run, seq++)) === false) {
        process.stdout.once('drain', pump);
        return;
      }
    }
    done();
  };
  pump();
}

http
  .createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://localhost');
    if (url.pathname !== '/flood') {
      res.writeHead(200, { 'content-length': 3 });
      res.end('ok\n');
      return;
    }
    const run = Number(url.searchParams.get('run') || 0);
    const lines = Math.min(Number(url.searchParams.get('lines') || 100000), 1000000);
    flood(run, lines, () => {
      res.writeHead(200, { 'content-length': 5 });
      res.end('done\n');
    });
  })
  .listen(port);
