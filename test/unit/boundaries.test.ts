/**
 * The CLI, the daemon and the app primary meet only in src/protocol (and the
 * spec helpers in src/config): none of them imports another. A slip here
 * would drag the daemon's code into the CLI's start-up, or let the primary
 * depend on a daemon it must outlive.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The top-level src folder each relative import of `file` lands in. */
function importedAreas(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|require\()\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)).split('/')[0]);
}

const FORBIDDEN: Record<string, string[]> = {
  cli: ['daemon', 'primary'],
  client: ['daemon', 'primary', 'cli'],
  daemon: ['cli', 'client', 'primary'],
  primary: ['cli', 'client', 'daemon'],
  protocol: ['cli', 'client', 'daemon', 'primary', 'config'],
  config: ['cli', 'client', 'daemon', 'primary'],
  // Shared mechanisms below the three processes: none of them may reach up into one.
  os: ['cli', 'client', 'daemon', 'primary', 'config'],
  logfile: ['cli', 'client', 'daemon', 'primary', 'config'],
  supervision: ['cli', 'client', 'daemon', 'primary', 'config'],
  state: ['cli', 'client', 'daemon', 'primary'],
  // /metrics, /readyz and their router, shared by the daemon and `clusterctl run --http`.
  observe: ['cli', 'client', 'daemon', 'primary', 'config'],
  // `clusterctl run` composes the daemon's runtime with start's options; the primaries stay processes.
  runner: ['primary', 'client'],
};

test('nothing imports src/runner: it is an entry point (bin/clusterctl starts it for `run`)', () => {
  const offenders = files(SRC)
    .filter((f) => !f.startsWith(join(SRC, 'runner')))
    .filter((f) => importedAreas(f).includes('runner'))
    .map((f) => relative(SRC, f));
  expect(offenders).toEqual([]);
});

test('src/protocol holds only the wire: no file system, no child processes, no /proc', () => {
  const offenders: string[] = [];
  for (const file of files(join(SRC, 'protocol'))) {
    const text = readFileSync(file, 'utf8');
    if (/'node:(fs|child_process)(\/promises)?'/.test(text) || /['"`]\/proc\//.test(text))
      offenders.push(relative(SRC, file));
  }
  expect(offenders).toEqual([]);
});

test('the import scan sees the imports (so an empty scan cannot pass for clean)', () => {
  const seen = files(SRC).flatMap(importedAreas);
  expect(seen.filter((a) => a === 'protocol').length).toBeGreaterThan(50);
});

test.each(Object.entries(FORBIDDEN))('src/%s imports none of %j', (area, forbidden) => {
  const offenders: string[] = [];
  for (const file of files(join(SRC, area))) {
    for (const target of importedAreas(file)) {
      if (forbidden.includes(target)) offenders.push(`${relative(SRC, file)} -> ${target}`);
    }
  }
  expect(offenders).toEqual([]);
});
