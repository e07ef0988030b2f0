'use strict';
// The limit of "private memory of one app primary": a bare node that has
// loaded what any cluster primary needs (node:cluster, which brings
// child_process, and node:net) and then waits. No workers, no IPC, no timers
// worth the name: what is left is the cost of a Node process with those two
// modules loaded.
require('node:cluster');
require('node:net');
setInterval(() => undefined, 1 << 30);
