/**
 * What a person at a terminal sees: coloured statuses and reload progress.
 * The CLI runs under a pseudo-terminal (util-linux `script`); with NO_COLOR,
 * or through a pipe, there is no escape sequence at all.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, createSandbox, FIXTURES, runNode, type Sandbox } from '../helpers/sandbox';
import { freePort } from '../helpers/net';

/** `script` is a requirement of the suite (.ci/run installs it): without it this file fails, it does not skip. */
function requireScript(): void {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `these tests need util-linux \`script\` for a pseudo-terminal (${probe.error?.message ?? probe.stderr.trim()}); ` +
        'install it (Debian: apt-get install bsdutils) or run .ci/run, which does',
    );
  }
}

function inTerminal(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  // `script -e` returns the command's exit code; its own output is the terminal's.
  return runNode(
    [
      '-e',
      `
    const r = require('child_process').spawnSync('script', ['-qec', process.argv[1], '/dev/null'], { encoding: 'utf8', env: process.env });
    process.stdout.write(r.stdout); process.exitCode = r.status;
  `,
      command,
    ],
    { env, timeoutMs: 60000 },
  );
}

describe('on a terminal', () => {
  let sb: Sandbox;
  let ttyEnv: Record<string, string>;
  beforeAll(async () => {
    sb = createSandbox();
    ttyEnv = { ...sb.env, TERM: 'xterm' };
    delete ttyEnv.NO_COLOR;
    requireScript();
    await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'web', '--env', `PORT=${await freePort()}`]);
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('ls colours the status green when online', async () => {
    const r = await inTerminal(['ls'], ttyEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\x1b[32monline\x1b[39m');
  });

  it('NO_COLOR turns colour off, and so does a pipe', async () => {
    const r = await inTerminal(['ls'], { ...ttyEnv, NO_COLOR: '1' });
    expect(r.stdout).toMatch(/│ online/);
    expect(r.stdout).not.toContain('\x1b[32m');
    const piped = await sb.ok(['ls'], { env: { NO_COLOR: '' } });
    expect(piped.stdout).not.toContain('\x1b[');
  });

  it('reload shows progress per instance', async () => {
    const r = await inTerminal(['reload', 'web'], ttyEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reloading web: 1\/2/);
    expect(r.stdout).toMatch(/reloading web: 2\/2/);
  });
});
