/**
 * Scaling live: new workers take the lowest free instance numbers, the
 * highest go first, and the workers that stay are never touched.
 */
import { join } from 'node:path';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { isAlive } from '../helpers/proc';

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

async function workers(
  name: string,
): Promise<Array<{ instance: number; pid: number | null; status: string; restarts: number }>> {
  const found = (await sb.list()).find((a) => a.name === name);
  if (!found) throw new Error(`${name} not listed`);
  return found.workers;
}

test('2 -> 4 -> 2 -> 4 keeps instance numbers {0,1,2,3} and the survivors untouched', async () => {
  const port = await freePort();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`]);
  const two = await workers('web');
  expect(two.map((w) => w.instance)).toEqual([0, 1]);

  const up = await sb.ok(['scale', 'web', '4']);
  expect(up.stdout).toMatch(/web/);
  const four = await workers('web');
  expect(four.map((w) => w.instance)).toEqual([0, 1, 2, 3]);
  expect(four.slice(0, 2).map((w) => w.pid)).toEqual(two.map((w) => w.pid));
  expect(four.every((w) => w.status === 'online' && w.restarts === 0)).toBe(true);

  await sb.ok(['scale', 'web', '-2']);
  const down = await workers('web');
  expect(down.map((w) => w.instance)).toEqual([0, 1]);
  expect(down.map((w) => w.pid)).toEqual(two.map((w) => w.pid));
  for (const gone of four.slice(2)) expect(isAlive(gone.pid as number)).toBe(false);

  await sb.ok(['scale', 'web', '+2']);
  const again = await workers('web');
  expect(again.map((w) => w.instance)).toEqual([0, 1, 2, 3]);
  expect(again.slice(0, 2).map((w) => w.pid)).toEqual(two.map((w) => w.pid));
  expect(again.every((w) => w.restarts === 0)).toBe(true);
});

test('scaling to the current size is a no-op; below 1 is a usage error pointing to stop', async () => {
  const port = await freePort();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'api', '--env', `PORT=${port}`]);
  const before = await workers('api');
  expect((await sb.cli(['scale', 'api', '2'])).code).toBe(0);
  expect((await workers('api')).map((w) => w.pid)).toEqual(before.map((w) => w.pid));

  const tooLow = await sb.cli(['scale', 'api', '-2']);
  expect(tooLow.code).toBe(2);
  expect(tooLow.stderr).toMatch(/stop/);
  expect((await workers('api')).map((w) => w.pid)).toEqual(before.map((w) => w.pid));

  const unknown = await sb.cli(['scale', 'nope', '2']);
  expect(unknown.code).toBe(1);
  const garbage = await sb.cli(['scale', 'api', 'lots']);
  expect(garbage.code).toBe(2);
  expect((await workers('api')).map((w) => w.pid)).toEqual(before.map((w) => w.pid));
});
