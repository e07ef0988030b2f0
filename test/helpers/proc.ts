/**
 * Process bookkeeping for tests. PID 1 on these machines does not reap
 * orphans, so a dead orphan lingers as a zombie and `kill -0` still succeeds:
 * "alive" here means present in /proc and not in state Z.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isProcessAlive } from '../../src/os/liveness';

/** The product's own check, zombies counted as gone. */
export const isAlive = isProcessAlive;

/** Every live process whose environment carries CLUSTERCTL_HOME=home: the daemon, its primaries, their workers. */
export function processesOfHome(home: string): number[] {
  const needle = Buffer.from(`CLUSTERCTL_HOME=${home}\0`);
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.indexOf(needle) !== -1 && isAlive(pid)) out.push(pid);
  }
  return out;
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** `pid command line` for a report: what a leftover process was. */
export function describeProcess(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return `${pid} ${cmdline || '(no command line)'}`;
  } catch {
    return `${pid} (gone before it could be described)`;
  }
}

function readdirOf(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readlinkOf(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** The inodes of `pid`'s sockets, from its /proc/PID/fd links. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirOf(`/proc/${pid}/fd`)) {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkOf(`/proc/${pid}/fd/${fd}`));
    if (m?.[1]) inodes.add(m[1]);
  }
  return inodes;
}

/** Every TCP socket in LISTEN (IPv4 and IPv6), as [inode, port] pairs from /proc/net/tcp and tcp6. */
function listeningSockets(): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, the inode is the 10th column.
      if (cols[3] === '0A' && cols[9]) out.push([cols[9], parseInt(cols[1]?.split(':')[1] ?? '0', 16)]);
    }
  }
  return out;
}

/**
 * The TCP ports `pid` holds a listening socket on (its socket inodes matched
 * in /proc/net/tcp*). Holding is not accepting: under node:cluster's
 * SCHED_NONE the primary keeps its copy of the socket it bound for the
 * workers (lib/internal/cluster/shared_handle.js), and only they accept.
 */
export function listeningPorts(pid: number): number[] {
  const mine = socketInodes(pid);
  return listeningSockets()
    .filter(([inode]) => mine.has(inode))
    .map(([, port]) => port);
}

/**
 * The TCP ports `pid` accepts connections on: the listening sockets one of
 * its epoll instances watches (the `tfd ... ino:<hex>` lines of
 * /proc/PID/fdinfo/<epoll fd>), which is how libuv waits for a connection.
 */
export function acceptingPorts(pid: number): number[] {
  const watched = new Set<string>();
  for (const fd of readdirOf(`/proc/${pid}/fd`)) {
    if (readlinkOf(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:[eventpoll]') continue;
    let info: string;
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue;
    }
    for (const m of info.matchAll(/^tfd:.*\sino:([0-9a-f]+)/gm)) if (m[1]) watched.add(String(parseInt(m[1], 16)));
  }
  return listeningSockets()
    .filter(([inode]) => watched.has(inode))
    .map(([, port]) => port);
}
