/**
 * `clusterctl monit` in a real terminal: tmux runs it in a 120x40 pane, keys
 * go in with `send-keys`, and what a person would see comes out with
 * `capture-pane`. The daemon's pushed events redraw it (no key pressed when a
 * worker is replaced), `q` leaves the shell's screen as it was, the daemon
 * going away ends it with the terminal restored, and piped it refuses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';
import { waitFor } from '../helpers/wait';

jest.setTimeout(90000);

/** tmux is a requirement of the suite (.ci/run installs it): without it this file fails, it does not skip. */
function requireTmux(): void {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `these tests need tmux for a real terminal (${probe.error?.message ?? probe.stderr.trim()}); ` +
        'install it (Debian: apt-get install tmux) or run .ci/run, which does',
    );
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

let sb: Sandbox;
let session: string | null = null;
let counter = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function capture(): string {
  return tmux('capture-pane', '-p', '-t', session as string);
}

/** Starts monit in a fresh 120x40 tmux session, between two markers the normal screen keeps. */
function startMonit(env: Record<string, string>): void {
  session = `clusterctl-monit-${process.pid}-${++counter}`;
  const vars = Object.entries(env)
    .filter(([k]) => /^[A-Z_][A-Z0-9_]*$/i.test(k))
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  const script = `echo BEFORE-MONIT; env ${vars} ${quote(process.execPath)} ${quote(BIN)} monit; echo MONIT-EXIT=$?; exec sleep 600`;
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, 'sh', '-c', script);
}

function killSession(): void {
  if (session === null) return;
  spawnSync('tmux', ['kill-session', '-t', session]);
  session = null;
}

beforeAll(() => requireTmux());

beforeEach(async () => {
  sb = createSandbox();
  const port = await freePort();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${port}`]);
});

afterEach(async () => {
  killSession();
  await sb.cleanup();
});

function rowsOfWeb(screen: string): Array<{ pid: number; status: string }> {
  const rows: Array<{ pid: number; status: string }> = [];
  for (const m of screen.matchAll(/^[> ] web +\d+ +(\d+) +([a-z-]+) /gm))
    rows.push({ pid: Number(m[1]), status: m[2] });
  return rows;
}

test('shows the workers online, redraws a killed worker’s replacement unprompted, and q restores the terminal', async () => {
  const pids = (await sb.list())[0]?.workers.map((w) => w.pid as number) ?? [];
  expect(pids).toHaveLength(2);
  startMonit({ ...sb.env, TERM: 'xterm-256color' });
  const first = await waitFor(
    () => {
      const rows = rowsOfWeb(capture());
      return rows.length === 2 && rows.every((r) => r.status === 'online') ? rows : null;
    },
    { timeoutMs: 15000, what: 'monit to show both workers online' },
  );
  expect(first.map((r) => r.pid).sort()).toEqual([...pids].sort());
  expect(tmux('display', '-p', '-t', session as string, '#{alternate_on}').trim()).toBe('1');
  expect(capture()).toContain('q quit');

  const victim = pids[0];
  const killedAt = Date.now();
  process.kill(victim, 'SIGKILL');
  const replacement = await waitFor(
    () => {
      const rows = rowsOfWeb(capture());
      const fresh = rows.find((r) => !pids.includes(r.pid) && r.status === 'online');
      return fresh ?? null;
    },
    { timeoutMs: 10000, intervalMs: 25, what: 'the replacement worker on screen' },
  );
  const seenAfterMs = Date.now() - killedAt;
  process.stdout.write(`monit: replacement pid ${replacement.pid} visible ${seenAfterMs} ms after the SIGKILL\n`);

  tmux('send-keys', '-t', session as string, 'q');
  const after = await waitFor(
    () => {
      const screen = capture();
      return screen.includes('MONIT-EXIT=') ? screen : null;
    },
    { timeoutMs: 10000, what: 'monit to exit' },
  );
  expect(after).toContain('BEFORE-MONIT');
  expect(after).toContain('MONIT-EXIT=0');
  expect(after).not.toContain('q quit');
  expect(tmux('display', '-p', '-t', session as string, '#{alternate_on}').trim()).toBe('0');
});

test('r reloads the selected app and says so on the status line; j/k move the selection', async () => {
  const port = await freePort();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'api', '--env', `PORT=${port}`]);
  startMonit({ ...sb.env, NO_COLOR: '1' });
  await waitFor(() => /^> web /m.test(capture()) && /^ {2}api /m.test(capture()), {
    timeoutMs: 15000,
    what: 'web selected',
  });
  tmux('send-keys', '-t', session as string, 'j');
  await waitFor(() => /^> api /m.test(capture()) && capture().includes('── logs: api'), {
    timeoutMs: 5000,
    what: 'api selected',
  });
  tmux('send-keys', '-t', session as string, 'k');
  await waitFor(() => /^> web /m.test(capture()), { timeoutMs: 5000, what: 'web selected again' });
  const before = (await sb.list()).find((a) => a.name === 'web')?.workers.map((w) => w.pid) ?? [];
  tmux('send-keys', '-t', session as string, 'r');
  await waitFor(() => /web reloaded in [\d.]+ s \(now online\)/.test(capture()), {
    timeoutMs: 30000,
    what: 'the reload outcome on the status line',
  });
  const afterPids = (await sb.list()).find((a) => a.name === 'web')?.workers.map((w) => w.pid) ?? [];
  expect(afterPids.some((p) => before.includes(p))).toBe(false);
  tmux('send-keys', '-t', session as string, 'C-c');
  await waitFor(() => capture().includes('MONIT-EXIT=0'), { timeoutMs: 10000, what: 'Ctrl-C to quit' });
});

test('the daemon going away restores the terminal, says so, and exits non-zero', async () => {
  startMonit({ ...sb.env, NO_COLOR: '1' });
  await waitFor(() => rowsOfWeb(capture()).length === 2, { timeoutMs: 15000, what: 'monit to show web' });
  await sb.ok(['kill']);
  const after = await waitFor(
    () => {
      const screen = capture();
      return screen.includes('MONIT-EXIT=') ? screen : null;
    },
    { timeoutMs: 15000, what: 'monit to exit' },
  );
  expect(after).toMatch(/clusterctl: daemon went away/);
  expect(after).toContain('MONIT-EXIT=3');
  expect(tmux('display', '-p', '-t', session as string, '#{alternate_on}').trim()).toBe('0');
});

test('piped, it says it needs a terminal in one line and exits 2', async () => {
  const r = await sb.cli(['monit']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^clusterctl: monit needs a terminal/)]);
});

test('a worker waiting for its restart shows the time left, counting down on the tick, then comes back online', async () => {
  const DELAY = 4000;
  const port = await freePort();
  await sb.ok([
    'start',
    join(FIXTURES, 'hello.js'),
    '--name',
    'slow',
    '--restart-delay',
    String(DELAY),
    '--env',
    `PORT=${port}`,
  ]);
  const victim = (await sb.list()).find((a) => a.name === 'slow')?.workers[0]?.pid as number;
  startMonit({ ...sb.env, NO_COLOR: '1' });
  await waitFor(() => new RegExp(`^[> ] slow +0 +${victim} +online `, 'm').test(capture()), {
    timeoutMs: 15000,
    what: 'monit to show slow online',
  });
  process.kill(victim, 'SIGKILL');
  // The status cell: `waiting-restart 3.6s` (tenths below 10 s), then `waiting-restart now`.
  const left = (): number | null => {
    const m = /^[> ] slow +0 +- +waiting-restart (\d+(?:\.\d)?)s /m.exec(capture());
    return m ? Number(m[1]) : null;
  };
  const first = await waitFor(left, { timeoutMs: 10000, intervalMs: 25, what: 'the waiting row with its time left' });
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(DELAY / 1000);
  const second = await waitFor(
    () => {
      const n = left();
      return n !== null && n !== first ? n : null;
    },
    { timeoutMs: 3000, intervalMs: 25, what: 'the time left to change' },
  );
  process.stdout.write(`monit: waiting row read ${first}s, then ${second}s\n`);
  expect(second).toBeLessThan(first);
  await waitFor(() => /^[> ] slow +0 +\d+ +online /m.test(capture()), {
    timeoutMs: DELAY + 20000,
    what: 'slow back online',
  });
  tmux('send-keys', '-t', session as string, 'q');
  await waitFor(() => capture().includes('MONIT-EXIT=0'), { timeoutMs: 10000, what: 'monit to exit' });
});
