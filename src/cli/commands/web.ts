/** `clusterctl web`: the daemon's HTTP endpoint (/healthz, /readyz, /metrics, /api, the dashboard). */
import type { Command } from 'commander';
import type { WebConfig, WebState } from '../../protocol/api';
import { notice, print, usage } from '../output';
import { withClient } from '../session';

interface WebFlags {
  on?: boolean;
  off?: boolean;
  host?: string;
  port?: string;
  readOnly?: boolean;
  token?: boolean;
  url?: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

function portOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw usage(`--port must be a port number from 1 to 65535, not ${JSON.stringify(text)}`);
  return Number(text);
}

function describeState(s: WebState): string {
  if (!s.enabled) return 'web endpoint: off (turn it on with `clusterctl web --on`)';
  const mode = s.readOnly ? 'read-only' : 'read-write';
  if (s.listening) return `web endpoint: on, listening on ${s.listening} (${mode})`;
  return `web endpoint: on but not listening: ${s.error ?? 'starting'}`;
}

function wantsChange(f: WebFlags): boolean {
  return f.on === true || f.host !== undefined || f.port !== undefined || f.readOnly === true;
}

function checkCombination(f: WebFlags): void {
  const modes = [wantsChange(f), f.off === true, f.token === true, f.url === true].filter(Boolean).length;
  if (modes > 1) throw usage('use one of: --on (with --host/--port/--read-only), --off, --token, --url');
}

async function runWeb(f: WebFlags): Promise<void> {
  checkCombination(f);
  if (f.token === true || f.url === true) {
    const t = await withClient((c) => c.webToken({}));
    print(f.token === true ? t.token : t.url);
    return;
  }
  if (!wantsChange(f) && f.off !== true) {
    print(describeState(await withClient((c) => c.webStatus({}))));
    return;
  }
  const config: WebConfig = {
    enabled: f.off !== true,
    host: f.host ?? '127.0.0.1',
    port: f.port === undefined ? 9615 : portOf(f.port),
    readOnly: f.readOnly === true,
  };
  if (config.enabled && !LOOPBACK.test(config.host))
    notice(
      `warning: ${config.host} is not a loopback address; anyone who can reach it and holds the token can drive your apps`,
    );
  const state = await withClient((c) => c.webConfigure({ config }));
  print(describeState(state));
  if (state.enabled && !state.listening) process.exitCode = 1;
}

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('show, turn on or off the HTTP endpoint: /healthz, /readyz, /metrics, /api and a dashboard')
    .option('--on', 'turn the endpoint on (the default address is 127.0.0.1:9615)')
    .option('--host <host>', 'address to listen on (implies --on; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (implies --on; default 9615)')
    .option('--read-only', 'refuse every POST (reload, restart, stop, start, scale) with 403 (implies --on)')
    .option('--off', 'turn the endpoint off: the daemon stops listening')
    .option('--token', 'print the token every request but /healthz and /readyz must send (Authorization: Bearer)')
    .option('--url', 'print the dashboard address with the token in its fragment')
    .addHelpText(
      'after',
      `
The setting is kept in CLUSTERCTL_HOME/web.json, so a restarted daemon listens
again; the token is CLUSTERCTL_HOME/web.token (0600), made on first use.

Examples:
  $ clusterctl web --on
  $ clusterctl web --port 9700 --read-only
  $ clusterctl web
  $ clusterctl web --url
  $ curl -H "Authorization: Bearer $(clusterctl web --token)" http://127.0.0.1:9615/metrics
  $ clusterctl web --off`,
    )
    .action((flags: WebFlags) => runWeb(flags));
}
