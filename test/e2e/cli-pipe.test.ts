/**
 * `clusterctl <cmd> --help | head`: a reader that closes the pipe early is
 * not an error. Before the fix commander's write threw an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { BIN } from '../helpers/sandbox';

test.each([['--help'], ['start', '--help'], ['logs', '--help']])(
  'clusterctl %s piped into a reader that has already gone exits 0, silently',
  async (...args) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // The reader is gone before the first write, as with `| head -0` or a closed pager.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  },
);
