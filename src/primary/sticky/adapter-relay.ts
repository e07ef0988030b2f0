/**
 * The primary's half of @socket.io/cluster-adapter, so `io.emit` in one
 * worker reaches the clients of every other worker with no code of the
 * user's in the primary (which is ours). Its workers `process.send` messages
 * tagged `source: '_sio_adapter'`; a response (it names `requesterUid`) goes
 * to the worker whose adapter asked, anything else to every other worker of
 * the app. Messages without that tag are never touched.
 */
import cluster, { type Worker } from 'node:cluster';

const SOURCE = '_sio_adapter';

interface AdapterMessage {
  source: typeof SOURCE;
  uid?: unknown;
  requesterUid?: unknown;
}

function isAdapterMessage(msg: unknown): msg is AdapterMessage {
  return typeof msg === 'object' && msg !== null && (msg as { source?: unknown }).source === SOURCE;
}

/** The adapter uids (one per namespace) each worker has sent from. */
const uidsOf = new WeakMap<Worker, Set<string>>();
/** Each worker's app: the set of that app's live workers. */
const peersOf = new WeakMap<Worker, Set<Worker>>();
let installed = false;

function forward(to: Worker, msg: AdapterMessage): void {
  if (!to.isConnected()) return;
  try {
    to.send(msg, undefined, () => undefined);
  } catch {
    /* that worker is exiting */
  }
}

function relay(from: Worker, msg: AdapterMessage): void {
  if (typeof msg.uid === 'string') {
    const uids = uidsOf.get(from) ?? new Set<string>();
    uids.add(msg.uid);
    uidsOf.set(from, uids);
  }
  const workers = [...(peersOf.get(from) ?? [])].filter((w) => w !== from);
  if (typeof msg.requesterUid === 'string') {
    const requester = workers.find((w) => uidsOf.get(w)?.has(msg.requesterUid as string));
    if (requester) {
      forward(requester, msg);
      return;
    }
  }
  for (const w of workers) forward(w, msg);
}

/** `worker` belongs to the app whose live workers are `peers`; it leaves the set when it exits. */
export function joinRelay(worker: Worker, peers: Set<Worker>): void {
  peers.add(worker);
  peersOf.set(worker, peers);
  worker.once('exit', () => peers.delete(worker));
}

/** Once per process (a group host runs it for its first app). */
export function installAdapterRelay(): void {
  if (installed) return;
  installed = true;
  cluster.on('message', (worker: Worker, msg: unknown) => {
    if (isAdapterMessage(msg)) relay(worker, msg);
  });
}
