/**
 * What the CLI loads to answer `ls`, `ping`, `jlist` and `--version`, against
 * a real daemon: the bundle and package.json, none of the heavy packages
 * (zod, yaml, pino, chokidar, croner, prom-client) and no other module of
 * ours, so the start-up time measured in bench/PROFILE.md §2 cannot regress
 * unnoticed. A bundle older than one of its inputs is not used, and a
 * daemon is found from the bundle as from dist/.
 */
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { createSandbox, FIXTURES, ROOT, runNode, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { useTempDir } from '../helpers/tmp';

const RECORDER = join(FIXTURES, 'records-loaded-modules.js');
/** What a run served by the bundle loads, in order (the bundle itself runs through vm, outside require's cache). */
const BUNDLED_RUN = [join('bin', 'clusterctl'), join('dist', 'cli', 'route.js'), 'package.json'];
const HEAVY = ['zod', 'yaml', 'pino', 'chokidar', 'croner', 'prom-client', 'chalk', 'cli-table3'];

/** Runs `node -r recorder <root>/bin/clusterctl ...args` and returns its result with the modules it loaded. */
async function recorded(sb: Sandbox, root: string, out: string, args: string[]) {
  const r = await runNode(['-r', RECORDER, join(root, 'bin', 'clusterctl'), ...args], {
    env: { ...sb.env, RECORD_MODULES_TO: out },
  });
  const modules = (JSON.parse(readFileSync(out, 'utf8')) as string[])
    .filter((m) => m !== RECORDER)
    .map((m) => relative(root, m));
  return { ...r, modules };
}

const heavyIn = (modules: string[]): string[] =>
  modules.filter((m) => HEAVY.some((h) => m.startsWith(join('node_modules', h, '/'))));

describe('CLI start-up', () => {
  const tmp = useTempDir('startup-', { scope: 'all' });
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'web', '-i', '2', '--env', `PORT=${port}`]);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('the build made the bundle and the list of its inputs', () => {
    for (const f of ['route.js', 'bundle.js']) expect(existsSync(join(ROOT, 'dist', 'cli', f))).toBe(true);
    expect(existsSync(join(ROOT, 'dist', 'cli', 'bundle.js.inputs.json'))).toBe(true);
  });

  it.each([[['ls']], [['ls', '--json']], [['list']], [['ping']], [['jlist']], [['--version']]])(
    '%j loads only the router, the bundle and package.json',
    async (args) => {
      const r = await recorded(sb, ROOT, join(tmp(), 'modules.json'), args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.modules).toEqual(BUNDLED_RUN);
    },
  );

  it('ls prints the table from the bundle', async () => {
    const r = await recorded(sb, ROOT, join(tmp(), 'modules.json'), ['ls']);
    expect(r.stdout).toMatch(/│ web +│ 0 +│ \d+ +│ online/);
    expect(r.stdout).toMatch(/│ web +│ 1 +│ \d+ +│ online/);
  });

  it('a command the bundle does not carry runs from dist/ without the bundle', async () => {
    const r = await recorded(sb, ROOT, join(tmp(), 'modules.json'), ['describe', 'web']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^name +web$/m);
    expect(r.modules).not.toContain(join('dist', 'cli', 'bundle.js'));
    expect(r.modules).toContain(join('dist', 'cli', 'main.js'));
    expect(heavyIn(r.modules).filter((m) => !m.startsWith('node_modules/zod/'))).toEqual([]);
  });

  it('a bundle older than one of its inputs is left alone: ls runs from dist/, with the same output', async () => {
    // A copy of the package, so that the stale bundle is seen by this test only.
    const copy = join(tmp(), 'pkg');
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(join(ROOT, part), join(copy, part), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const fresh = await recorded(sb, copy, join(tmp(), 'fresh.json'), ['ls', '--json']);
    expect(fresh.modules).toEqual(BUNDLED_RUN);

    // As npm unpacks a package: one fixed mtime on every file (1985-10-26); the bundle is still used.
    const unpacked = new Date('1985-10-26T08:15:00Z');
    for (const f of readdirSync(join(copy, 'dist'), { recursive: true, encoding: 'utf8' }))
      utimesSync(join(copy, 'dist', f), unpacked, unpacked);
    expect((await recorded(sb, copy, join(tmp(), 'unpacked.json'), ['ls', '--json'])).modules).toEqual(BUNDLED_RUN);

    const later = Date.now() / 1000 + 60;
    utimesSync(join(copy, 'dist', 'cli', 'render', 'table.js'), later, later);
    const stale = await recorded(sb, copy, join(tmp(), 'stale.json'), ['ls', '--json']);
    expect(stale.code).toBe(0);
    expect(stale.modules).toContain(join('dist', 'cli', 'main.js'));
    expect(stale.modules).toContain(join('dist', 'cli', 'render', 'table.js'));
    // The same apps and workers; the sampled figures may move between the two calls.
    expect(unsampled(JSON.parse(stale.stdout))).toEqual(unsampled(JSON.parse(fresh.stdout)));
  });
});

/** `value` without the figures the primaries sample (cpu, memory, CPU seconds), anywhere in it. */
function unsampled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unsampled);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SAMPLED.has(k)) out[k] = unsampled(v);
  return out;
}
const SAMPLED = new Set(['cpu', 'memory', 'cpuSeconds']);

describe('the code cache of the bundle', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox();
    await sb.ok(['ping']);
  });
  afterAll(async () => {
    await sb.cleanup();
  });
  const cacheFiles = (): string[] => readdirSync(join(sb.home, 'cache')).map((f) => join(sb.home, 'cache', f));

  it('is written once, then used as it is', async () => {
    await sb.ok(['ls']);
    const [file, ...others] = cacheFiles();
    expect(others).toEqual([]);
    expect(file).toMatch(new RegExp(`cli-bundle-${process.version}-${process.arch}-\\d+-\\d+-\\d+\\.v8$`));
    expect(statSync(join(sb.home, 'cache')).mode & 0o777).toBe(0o700);
    const before = statSync(file).mtimeMs;
    const r = await sb.ok(['ls']);
    expect(r.stdout).toBe('no apps: start one with `clusterctl start app.js`\n');
    expect(cacheFiles()).toEqual([file]);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it.each([
    ['garbage of the same length', (len: number) => Buffer.alloc(len, 0xa5)],
    ['a truncated file', (len: number) => Buffer.alloc(Math.floor(len / 2), 0)],
    ['an empty file', () => Buffer.alloc(0)],
  ])('a cache holding %s is refused and rewritten; the command is unaffected', async (_what, bad) => {
    const [file] = cacheFiles();
    const good = readFileSync(file);
    writeFileSync(file, bad(good.length));
    const r = await sb.ok(['ping']);
    expect(r.stdout).toMatch(/^daemon pid \d+/);
    expect(r.stderr).toBe('');
    expect(cacheFiles()).toEqual([file]);
    expect(readFileSync(file).length).toBeGreaterThan(1000);
    expect(readFileSync(file).equals(bad(good.length))).toBe(false);
  });

  it('a cache of another bundle or Node is removed when this one is written', async () => {
    const old = join(sb.home, 'cache', 'cli-bundle-v0.0.0-x64-1-2-3.v8');
    writeFileSync(old, 'old');
    // Empty the current cache so that this run writes one.
    for (const f of cacheFiles()) if (f !== old) writeFileSync(f, '');
    await sb.ok(['ls']);
    expect(cacheFiles()).toHaveLength(1);
    expect(existsSync(old)).toBe(false);
  });

  it('is never the reason CLUSTERCTL_HOME gets created', async () => {
    const home = join(sb.home, 'not-yet');
    const r = await runNode([join(ROOT, 'bin', 'clusterctl'), '--version'], {
      env: { ...sb.env, CLUSTERCTL_HOME: home },
    });
    expect(r.code).toBe(0);
    expect(existsSync(home)).toBe(false);
  });
});

describe('CLI start-up with no daemon', () => {
  const tmp = useTempDir('startup-nodaemon-');
  let sb: Sandbox;
  beforeEach(() => {
    sb = createSandbox();
  });
  afterEach(async () => {
    await sb.cleanup();
  });

  it('ping from the bundle starts the daemon (found at dist/daemon/main.js from the bundle too)', async () => {
    const r = await recorded(sb, ROOT, join(tmp(), 'modules.json'), ['ping']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^daemon pid \d+, version \S+ \(protocol \d+\), up \S+, home /);
    expect(r.modules).toEqual(BUNDLED_RUN);
  });
});
