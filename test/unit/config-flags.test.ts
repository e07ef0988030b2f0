import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  nameFromScript,
  parseEnvPairs,
  parseStopSignal,
  resolveScript,
  specFromFlags,
  splitArgs,
  validateAppName,
} from '../../src/config/flags';
import { useTempDir } from '../helpers/tmp';
import { ClusterctlError, type ErrorCode } from '../../src/protocol/errors';

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClusterctlError) return err.code;
    throw err;
  }
  return undefined;
}

describe('start flags → spec', () => {
  const dir = useTempDir('flags-', { scope: 'all' });
  let script: string;
  beforeAll(() => {
    script = join(dir(), 'web.server.js');
    writeFileSync(script, '');
    mkdirSync(join(dir(), 'sub'));
  });

  const ctx = () => ({
    home: '/home/h/.clusterctl',
    cwd: dir(),
    env: { PATH: process.env.PATH, KEEP: 'me' },
    cpu: { cpuMaxPath: join(dir(), 'none'), availableParallelism: () => 4 },
  });

  it('derives name, script, cwd and env from the caller', () => {
    const spec = specFromFlags('web.server.js', ['--port', '1'], { env: ['A=1', 'B=x=y'] }, ctx());
    expect(spec.name).toBe('web.server');
    expect(spec.script).toBe(script);
    expect(spec.cwd).toBe(dir());
    expect(spec.args).toEqual(['--port', '1']);
    expect(spec.instances).toBe(1);
    expect(spec.env).toMatchObject({ KEEP: 'me', A: '1', B: 'x=y' });
    expect(spec.interpreter).toBe(process.execPath);
    expect(spec.logs.out).toBe('/home/h/.clusterctl/logs/web.server-out.log');
  });

  it('takes the process options: instances, name, cwd, node args, interpreter, kill timeout and signal, wait-ready, listen timeout', () => {
    const spec = specFromFlags(
      './web.server.js',
      [],
      {
        instances: '-1',
        name: 'api',
        cwd: 'sub',
        nodeArgs: '--max-old-space-size=64 "--title=a b"',
        interpreter: process.execPath,
        killTimeout: '800',
        stopSignal: 'term',
        waitReady: true,
        listenTimeout: '2500',
      },
      ctx(),
    );
    expect(spec).toMatchObject({
      name: 'api',
      instances: 3,
      cwd: join(dir(), 'sub'),
      nodeArgs: ['--max-old-space-size=64', '--title=a b'],
      killTimeout: 800,
      stopSignal: 'SIGTERM',
      waitReady: true,
      listenTimeout: 2500,
    });
    expect(specFromFlags('web.server.js', [], { instances: 'max' }, ctx()).instances).toBe(4);
  });

  it('refuses bad input with the right code', () => {
    expect(codeOf(() => specFromFlags('missing.js', [], {}, ctx()))).toBe('E_SCRIPT_MISSING');
    expect(codeOf(() => specFromFlags('sub', [], {}, ctx()))).toBe('E_SCRIPT_MISSING');
    expect(codeOf(() => specFromFlags('web.server.js', [], { name: 'a/b' }, ctx()))).toBe('E_BAD_NAME');
    expect(codeOf(() => specFromFlags('web.server.js', [], { name: 'x'.repeat(129) }, ctx()))).toBe('E_BAD_NAME');
    expect(codeOf(() => specFromFlags('web.server.js', [], { instances: '0.5' }, ctx()))).toBe('E_USAGE');
    expect(codeOf(() => specFromFlags('web.server.js', [], { killTimeout: '-5' }, ctx()))).toBe('E_USAGE');
    expect(codeOf(() => specFromFlags('web.server.js', [], { listenTimeout: '0' }, ctx()))).toBe('E_USAGE');
    expect(codeOf(() => specFromFlags('web.server.js', [], { stopSignal: 'SIGFOO' }, ctx()))).toBe('E_USAGE');
    expect(codeOf(() => specFromFlags('web.server.js', [], { env: ['NOEQUALS'] }, ctx()))).toBe('E_USAGE');
    expect(codeOf(() => specFromFlags('web.server.js', [], { cwd: 'nope' }, ctx()))).toBe('E_USAGE');
    expect(codeOf(() => specFromFlags('web.server.js', [], { interpreter: 'no-such-node-binary' }, ctx()))).toBe(
      'E_USAGE',
    );
  });

  it('--scheduling: rr or none in cluster mode; refused with --sticky; a notice and the default in fork mode', () => {
    expect(specFromFlags('web.server.js', [], {}, ctx()).scheduling).toBe('rr');
    expect(specFromFlags('web.server.js', [], { scheduling: 'none' }, ctx()).scheduling).toBe('none');
    expect(specFromFlags('web.server.js', [], { scheduling: ' rr ' }, ctx()).scheduling).toBe('rr');
    expect(specFromFlags('web.server.js', [], { scheduling: 'rr', sticky: true }, ctx())).toMatchObject({
      scheduling: 'rr',
      sticky: true,
    });
    for (const bad of ['fast', 'RR', '', 'round-robin']) {
      expect(codeOf(() => specFromFlags('web.server.js', [], { scheduling: bad }, ctx()))).toBe('E_USAGE');
    }
    expect(() => specFromFlags('web.server.js', [], { scheduling: 'none', sticky: true }, ctx())).toThrow(
      /^--scheduling none cannot go with --sticky: sticky routing accepts every connection in the app primary/,
    );
    const notices: string[] = [];
    const forked = specFromFlags('web.server.js', [], { scheduling: 'none', execMode: 'fork' }, { ...ctx(), notices });
    expect(forked).toMatchObject({ execMode: 'fork', scheduling: 'rr' });
    expect(notices).toEqual([
      'web.server: --scheduling applies to cluster mode only (fork-mode processes share no listening socket); not used',
    ]);
  });

  it('reports an unreadable script (checked by a non-root user)', () => {
    const locked = join(dir(), 'locked.js');
    writeFileSync(locked, '');
    chmodSync(locked, 0o000);
    if (process.getuid?.() === 0) {
      // root reads anything: the e2e test runs the CLI as an unprivileged user for this case.
      expect(resolveScript('locked.js', dir())).toBe(locked);
    } else {
      expect(codeOf(() => resolveScript('locked.js', dir()))).toBe('E_SCRIPT_MISSING');
    }
  });
});

describe('small parsers', () => {
  it('validates app names', () => {
    expect(validateAppName('web-1.api_v2')).toBe('web-1.api_v2');
    expect(validateAppName('x'.repeat(128))).toHaveLength(128);
    // Any name PM2 takes: spaces, a leading dot or dash, non-ASCII.
    for (const good of ['NearBy Server', '-web', '.hidden', 'é', '日本語 api', ' padded ']) {
      expect(validateAppName(good)).toBe(good);
    }
    for (const bad of ['', '   ', 'a/b', 'x'.repeat(129), 'é'.repeat(65), 'a\nb', 'a\tb', 'a\u0000b', 'all']) {
      expect(codeOf(() => validateAppName(bad))).toBe('E_BAD_NAME');
    }
  });

  it('names an app after its script', () => {
    expect(nameFromScript('/srv/app/server.mjs')).toBe('server');
    expect(nameFromScript('web.config.js')).toBe('web.config');
    expect(nameFromScript('Procfile')).toBe('Procfile');
    expect(nameFromScript('.env')).toBe('.env');
  });

  it('splits node args like a shell', () => {
    expect(splitArgs('  --a  --b=1 ')).toEqual(['--a', '--b=1']);
    expect(splitArgs(`--x "a b" 'c d' e\\ f ""`)).toEqual(['--x', 'a b', 'c d', 'e f', '']);
    expect(codeOf(() => splitArgs('"open'))).toBe('E_USAGE');
  });

  it('parses env pairs and stop signals', () => {
    expect(parseEnvPairs(['A=1', 'A=2', 'EMPTY='])).toEqual({ A: '2', EMPTY: '' });
    expect(codeOf(() => parseEnvPairs(['1A=x']))).toBe('E_USAGE');
    expect(parseStopSignal('sigusr2')).toBe('SIGUSR2');
    expect(parseStopSignal('HUP')).toBe('SIGHUP');
  });
});
