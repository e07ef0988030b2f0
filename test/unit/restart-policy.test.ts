import { decideRestart, freshHistory, type RestartHistory } from '../../src/supervision/restart-policy';
import { BACKOFF_CAP_MS } from '../../src/supervision/backoff';
import { defaultSpec } from '../../src/config/defaults';
import { workerEnv } from '../../src/primary/worker-env';
import { canTransition } from '../../src/primary/lifecycle/slot-status';
import { stringMatching } from '../helpers/match';

const spec = defaultSpec('/home/x/.clusterctl', 'web', '/srv/app.js', '/srv', { PORT: '3000' });

function crashes(n: number, uptimeMs: number, s = spec): { delays: number[]; last: ReturnType<typeof decideRestart> } {
  let h: RestartHistory = freshHistory();
  const delays: number[] = [];
  let last = decideRestart(s, { code: 1, signal: null, uptimeMs }, h);
  for (let i = 0; i < n; i++) {
    last = decideRestart(s, { code: 1, signal: null, uptimeMs }, h);
    if (last.action !== 'restart') break;
    delays.push(last.delayMs);
    h = last.history;
  }
  return { delays, last };
}

describe('restart policy', () => {
  test('a stable worker restarts at once; stable crashes that repeat back off 100, 150, 225 … capped at 15 s', () => {
    const { delays } = crashes(16, 5000);
    expect(delays.slice(0, 4)).toEqual([0, 100, 150, 225]);
    expect(Math.max(...delays)).toBe(BACKOFF_CAP_MS);
  });

  test('repeated fast (unstable) crashes back off from the first restart: 100, 150, 225, 338 … capped at 15 s', () => {
    const { delays } = crashes(16, 30);
    expect(delays.slice(0, 4)).toEqual([100, 150, 225, 338]);
    expect(Math.max(...delays)).toBe(BACKOFF_CAP_MS);
  });

  test('a fixed --restart-delay replaces the backoff', () => {
    const { delays } = crashes(5, 5000, { ...spec, restartDelay: 700 });
    expect(delays).toEqual([700, 700, 700, 700, 700]);
  });

  test('16 unstable restarts in a row, then errored', () => {
    let h = freshHistory();
    for (let i = 0; i < 16; i++) {
      const d = decideRestart(spec, { code: 1, signal: null, uptimeMs: 30 }, h);
      expect(d.action).toBe('restart');
      if (d.action === 'restart') h = d.history;
    }
    const final = decideRestart(spec, { code: 1, signal: null, uptimeMs: 30 }, h);
    expect(final).toMatchObject({ action: 'errored', reason: stringMatching(/crash loop/) });
  });

  test('a stable run resets the unstable count but not the backoff; 30 s up resets the backoff', () => {
    let h = freshHistory();
    for (let i = 0; i < 3; i++) {
      const d = decideRestart(spec, { code: 1, signal: null, uptimeMs: 30 }, h);
      if (d.action === 'restart') h = d.history;
    }
    expect(h.unstableInARow).toBe(3);
    const stable = decideRestart(spec, { code: 1, signal: null, uptimeMs: 5000 }, h);
    expect(stable.action === 'restart' && stable.history.unstableInARow).toBe(0);
    // Three steps up the backoff already: a stable crash waits the third step, not the fourth.
    expect(stable.action === 'restart' && stable.delayMs).toBe(225);
    // 30 s up: a fresh backoff, and a stable worker's first restart is immediate.
    const long = decideRestart(spec, { code: 1, signal: null, uptimeMs: 31000 }, h);
    expect(long.action === 'restart' && long.delayMs).toBe(0);
  });

  test('stop exit codes and --no-autorestart end the instance', () => {
    expect(
      decideRestart({ ...spec, stopExitCodes: [0, 42] }, { code: 42, signal: null, uptimeMs: 10 }, freshHistory())
        .action,
    ).toBe('stop');
    expect(
      decideRestart({ ...spec, stopExitCodes: [0, 42] }, { code: 1, signal: null, uptimeMs: 10 }, freshHistory())
        .action,
    ).toBe('restart');
    expect(
      decideRestart({ ...spec, autorestart: false }, { code: null, signal: 'SIGKILL', uptimeMs: 10 }, freshHistory())
        .action,
    ).toBe('stop');
  });
});

describe('worker environment', () => {
  test('the app env plus instance number and app name; increment var counts up', () => {
    const env = workerEnv({ ...spec, incrementVar: 'PORT' }, 2);
    expect(env).toEqual({ PORT: '3002', NODE_APP_INSTANCE: '2', CLUSTERCTL_APP_NAME: 'web' });
    expect(workerEnv({ ...spec, instanceVar: 'INSTANCE_ID' }, 1)).toEqual({
      PORT: '3000',
      INSTANCE_ID: '1',
      CLUSTERCTL_APP_NAME: 'web',
    });
  });
});

describe('worker state machine', () => {
  test('named transitions only', () => {
    expect(canTransition('launching', 'online')).toBe(true);
    expect(canTransition('online', 'stopping')).toBe(true);
    expect(canTransition('errored', 'launching')).toBe(true);
    expect(canTransition('stopped', 'online')).toBe(false);
    expect(canTransition('errored', 'online')).toBe(false);
  });
});
