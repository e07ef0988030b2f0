/**
 * Temporary folders for tests: the one way to get one. `useTempDir` creates a
 * fresh folder before each test (or once for the file) and removes it after,
 * even when the test failed; `makeTempDir` is the bare creation the sandbox
 * uses for its CLUSTERCTL_HOME.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the system temp dir, named `clusterctl-<prefix>XXXXXX`. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `clusterctl-${prefix}`));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Registers the hooks that give the tests of the enclosing describe (or file)
 * a fresh folder: per test by default, or one for all of them with
 * `{ scope: 'all' }`. Returns a getter, since the folder only exists once the
 * hook has run. Call it before any hook of yours that uses the folder.
 */
export function useTempDir(prefix: string, opts: { scope?: 'each' | 'all' } = {}): () => string {
  let dir: string | null = null;
  const create = (): void => {
    dir = makeTempDir(prefix);
  };
  const remove = (): void => {
    if (dir !== null) removeTempDir(dir);
    dir = null;
  };
  if (opts.scope === 'all') {
    beforeAll(create);
    afterAll(remove);
  } else {
    beforeEach(create);
    afterEach(remove);
  }
  return () => {
    if (dir === null)
      throw new Error(`the ${prefix} temp dir is only there inside a test or a hook after useTempDir's`);
    return dir;
  };
}
