/** `describe --json` and `ls --json` never print an env value unless --show-env is given. */
import { join } from 'node:path';
import { freePort } from '../helpers/net';
import { createSandbox, FIXTURES, type Sandbox } from '../helpers/sandbox';

const SECRET = 'pa55-w0rd-do-not-print';

describe('env redaction', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox();
    const port = await freePort();
    await sb.ok(
      ['start', join(FIXTURES, 'hello.js'), '--name', 'api', '--env', `PORT=${port}`, '--env', `DB_PASSWORD=${SECRET}`],
      {
        env: { SHELL_SECRET: `${SECRET}-from-shell` },
      },
    );
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it.each([[['describe', 'api', '--json']], [['ls', '--json']]])(
    '%j shows names with *** for every value',
    async (args) => {
      const r = await sb.ok(args);
      expect(r.stdout).not.toContain(SECRET);
      const parsed = JSON.parse(r.stdout) as
        { spec: { env: Record<string, string> } } | Array<{ spec: { env: Record<string, string> } }>;
      const env = (Array.isArray(parsed) ? parsed.at(0) : parsed)?.spec.env ?? {};
      expect(env.DB_PASSWORD).toBe('***');
      expect(env.SHELL_SECRET).toBe('***');
      expect(Object.values(env).every((v) => v === '***')).toBe(true);
    },
  );

  it('plain describe shows no value either', async () => {
    expect((await sb.ok(['describe', 'api'])).stdout).not.toContain(SECRET);
  });

  it.each([[['describe', 'api', '--json', '--show-env']], [['ls', '--json', '--show-env']]])(
    '%j shows the values',
    async (args) => {
      const r = await sb.ok(args);
      expect(r.stdout).toContain(`"DB_PASSWORD": "${SECRET}"`);
    },
  );
});
