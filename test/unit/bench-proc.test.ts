// The memory figures of the bench read /proc of the test process itself: no process is started.
import { isAlive, privateBytes, pssBytes, rssBytes, treeOf } from '../../bench/lib/proc';

// A pid above the kernel's pid_max (at most 2^22) never exists.
const NO_SUCH_PID = 2 ** 22 + 1;

describe('privateBytes', () => {
  it('is a positive byte count no larger than the RSS of the same process', () => {
    const priv = privateBytes(process.pid);
    const rss = rssBytes(process.pid);
    expect(priv).not.toBeNull();
    expect(rss).not.toBeNull();
    expect(priv).toBeGreaterThan(1024 * 1024);
    expect(priv).toBeLessThanOrEqual((rss ?? 0) + 4096);
  });
  it('is at most the PSS (PSS is private pages plus a share of the shared ones)', () => {
    expect(privateBytes(process.pid)).toBeLessThanOrEqual((pssBytes(process.pid) ?? 0) + 64 * 1024);
  });
  it('is null for a process that does not exist', () => {
    expect(privateBytes(NO_SUCH_PID)).toBeNull();
  });
});

describe('treeOf', () => {
  it('starts with the root and holds only live processes', () => {
    const tree = treeOf(process.pid);
    expect(tree[0]).toBe(process.pid);
    for (const pid of tree) expect(isAlive(pid)).toBe(true);
  });
  it('contains the tree of its own parent, which holds this process', () => {
    expect(treeOf(process.ppid)).toContain(process.pid);
  });
  it('is empty for a process that does not exist', () => {
    expect(treeOf(NO_SUCH_PID)).toEqual([]);
  });
});
