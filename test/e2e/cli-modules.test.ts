/**
 * CommonJS and ESM apps run unmodified under -i 2: inside each worker the
 * script is the main module, argv[1] is the script and cwd is the caller's,
 * as with a direct `node app.js`.
 */
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { freePort, httpGet } from '../helpers/net';

interface Facts {
  kind: string;
  isMain: boolean;
  argv1: string;
  args: string[];
  cwd: string;
  pid: number;
  instance: number;
  greeting?: string;
}

async function everyWorker(port: number, count: number): Promise<Facts[]> {
  const byInstance = new Map<number, Facts>();
  await waitFor(
    async () => {
      const facts = JSON.parse((await httpGet(port)).body) as Facts;
      byInstance.set(facts.instance, facts);
      return byInstance.size >= count;
    },
    { timeoutMs: 20000, intervalMs: 1, what: `${count} workers answering` },
  );
  return [...byInstance.values()].sort((a, b) => a.instance - b.instance);
}

describe('module systems', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = createSandbox();
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('CommonJS: require.main === module, argv[1], cwd and args', async () => {
    const port = await freePort();
    await sb.ok(['start', 'reports-main.js', '-i', '2', '--env', `PORT=${port}`, '--', '--flag', 'x'], {
      cwd: FIXTURES,
    });
    const workers = await everyWorker(port, 2);
    expect(workers.map((w) => w.instance)).toEqual([0, 1]);
    for (const w of workers) {
      expect(w).toMatchObject({
        kind: 'cjs',
        isMain: true,
        argv1: join(FIXTURES, 'reports-main.js'),
        args: ['--flag', 'x'],
        cwd: FIXTURES,
      });
    }
  });

  it('ESM .mjs: the entry module, argv[1] and cwd', async () => {
    const port = await freePort();
    await sb.ok(['start', join(FIXTURES, 'esm', 'app.mjs'), '-i', '2', '--name', 'mjs', '--env', `PORT=${port}`], {
      cwd: join(FIXTURES, 'esm'),
    });
    for (const w of await everyWorker(port, 2)) {
      expect(w).toMatchObject({
        kind: 'mjs',
        isMain: true,
        argv1: join(FIXTURES, 'esm', 'app.mjs'),
        cwd: join(FIXTURES, 'esm'),
      });
    }
  });

  it('"type": "module" package with top-level await, and --cwd', async () => {
    const port = await freePort();
    await sb.ok(
      ['start', 'esm-pkg/app.js', '-i', '2', '--name', 'esm-pkg', '--cwd', 'esm-pkg', '--env', `PORT=${port}`],
      { cwd: FIXTURES },
    );
    for (const w of await everyWorker(port, 2)) {
      expect(w).toMatchObject({
        kind: 'esm-pkg',
        isMain: true,
        argv1: join(FIXTURES, 'esm-pkg', 'app.js'),
        cwd: join(FIXTURES, 'esm-pkg'),
        greeting: 'ready after top-level await',
      });
    }
  });
});
