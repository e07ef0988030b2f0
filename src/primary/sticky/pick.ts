/**
 * Which worker gets a sticky connection: pure, so it is unit-tested without
 * processes. A client address maps to an instance number (not to a worker),
 * so a reload, which replaces each instance's worker, moves the client to
 * the new worker of the same instance; a socket.io session id seen before
 * goes back to the worker that created it.
 */

/** FNV-1a over the address text: cheap, stable across processes and restarts. */
export function hashAddress(address: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    h ^= address.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The instance for `address` among the instances accepting now (sorted ascending), or null when none is. */
export function instanceFor(address: string, accepting: readonly number[]): number | null {
  if (accepting.length === 0) return null;
  return accepting[hashAddress(address) % accepting.length];
}

/**
 * socket.io's session id from the first bytes of a plain HTTP request:
 * `GET /socket.io/?EIO=4&transport=polling&sid=…`. Null when there is none.
 */
export function sidOf(head: string): string | null {
  const lineEnd = head.indexOf('\r\n');
  const line = lineEnd >= 0 ? head.slice(0, lineEnd) : head;
  const m = /^[A-Z]+ (\S+) HTTP\/1\.[01]$/.exec(line);
  if (!m) return null;
  const q = m[1].indexOf('?');
  if (q < 0) return null;
  const sid = new URLSearchParams(m[1].slice(q + 1)).get('sid');
  return sid !== null && sid !== '' ? sid : null;
}
