/**
 * The daemon's `subscribe` stream against a real daemon and real workers:
 * every app at once, then an event for each change with no request from the
 * client (a worker killed from outside, a stop), env values redacted; the
 * stream ends when the daemon goes away.
 */
import { join } from 'node:path';
import { connect, type Client } from '../../src/client/client';
import { ClusterctlError } from '../../src/protocol/errors';
import type { AppInfo } from '../../src/protocol/types';
import { freePort } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';

jest.setTimeout(90000);

let sb: Sandbox;
let client: Client | null = null;

beforeEach(async () => {
  sb = createSandbox();
  const port = await freePort();
  await sb.ok([
    'start',
    join(FIXTURES, 'hello.js'),
    '-i',
    '2',
    '--name',
    'web',
    '--env',
    `PORT=${port}`,
    '--env',
    'TOKEN=s3cret',
  ]);
});

afterEach(async () => {
  client?.close();
  client = null;
  await sb.cleanup();
});

function pidsOf(apps: AppInfo[] | undefined): number[] {
  const web = apps?.find((a) => a.name === 'web');
  return (web?.workers ?? []).filter((w) => w.status === 'online' && w.pid !== null).map((w) => w.pid as number);
}

test('pushes every app at once, then each change (a killed worker, a stop) without being asked', async () => {
  const events: AppInfo[][] = [];
  client = await connect({ home: sb.home, autoStart: false });
  const stream = client.subscribe({}, { onApps: (apps) => events.push(apps) });
  stream.catch(() => undefined);
  const first = await waitFor(() => events[0], { timeoutMs: 5000, what: 'the first apps event' });
  expect(first.map((a) => [a.name, a.status])).toEqual([['web', 'online']]);
  expect(first[0]?.spec.env.TOKEN).toBe('***');
  const before = pidsOf(first);
  expect(before).toHaveLength(2);

  const victim = before[0];
  process.kill(victim, 'SIGKILL');
  const replaced = await waitFor(
    () => {
      const now = pidsOf(events.at(-1));
      return now.length === 2 && !now.includes(victim) ? now : null;
    },
    { timeoutMs: 15000, what: 'an event with the replacement worker' },
  );
  expect(replaced).toContain(before[1]);

  await sb.ok(['stop', 'web']);
  await waitFor(() => events.at(-1)?.[0]?.status === 'stopped', { timeoutMs: 10000, what: 'a stopped event' });
});

test('the stream rejects with E_DAEMON_UNREACHABLE when the daemon goes away', async () => {
  client = await connect({ home: sb.home, autoStart: false });
  let got = 0;
  // Handled from the start: the rejection comes while `kill` still runs.
  const ended = client.subscribe({}, { onApps: () => got++ }).then(
    () => null,
    (e: unknown) => e,
  );
  await waitFor(() => got > 0, { timeoutMs: 5000, what: 'the first apps event' });
  await sb.ok(['kill']);
  const err = await ended;
  expect(err).toBeInstanceOf(ClusterctlError);
  expect((err as ClusterctlError).code).toBe('E_DAEMON_UNREACHABLE');
});

test('refuses params it does not know with E_BAD_SPEC', async () => {
  client = await connect({ home: sb.home, autoStart: false });
  await expect(client.subscribe({ every: 1 } as unknown as Record<string, never>)).rejects.toMatchObject({
    code: 'E_BAD_SPEC',
  });
});
