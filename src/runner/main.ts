/**
 * Entry point of `clusterctl run` (bin/clusterctl starts it for `run`
 * instead of the CLI, so the process the container or systemd starts is the
 * one that owns the apps: no extra Node process between them).
 */
import { Command, CommanderError } from 'commander';
import { addStartOptions } from '../cli/commands/start-options';
import { reportError } from '../cli/output';
import { packageVersion } from '../protocol/version';
import { runForeground } from './foreground';
import { httpFromFlags } from './http';
import { handOverToReaper } from './pid1';
import { runSpecs, stopTimeoutMs, type RunFlags } from './specs';

const TOKEN_VAR = 'CLUSTERCTL_HTTP_TOKEN';

function program(onRun: (target: string, args: string[], flags: RunFlags) => Promise<void>): Command {
  const root = new Command('clusterctl').exitOverride().version(packageVersion(), '-v, --version');
  const run = root
    .command('run')
    .description('run apps in the foreground with no daemon (a container entrypoint, a systemd unit)')
    .argument('<script|file>', 'the script to run, or a config file (every app of it, or --only)')
    .argument('[args...]', 'arguments for the script (put them after --)');
  addStartOptions(run)
    .option('--raw', 'write the app lines as they are, with no app:instance| prefix')
    .option('--json', 'write one JSON object per line (time, app, instance, stream, msg)')
    .option('--stop-timeout <s>', 'seconds the whole stop may take after SIGTERM/SIGINT, then SIGKILL (default 25)')
    .option('--http <host:port>', 'serve /healthz, /readyz and /metrics there (loopback, or with --http-token)')
    .option(
      '--http-token <token>',
      'bearer token /metrics needs (required for a non-loopback --http; or CLUSTERCTL_HTTP_TOKEN)',
    )
    .addHelpText(
      'after',
      `
Signals: SIGTERM/SIGINT stop every app gracefully and exit 0; a second one kills at once; SIGHUP reloads.
Exit codes: 0 after a stop asked by a signal; 1 when the restart policy gave up; one instance with
--no-autorestart: that process's own code (128+n for signal n).

Examples:
  $ clusterctl run app.js -i max --http 127.0.0.1:9615
  $ clusterctl run ecosystem.config.js --env production --only api --json`,
    )
    .action((target: string, args: string[], flags: RunFlags) => onRun(target, args, flags));
  return root;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  // A token from the environment (a Kubernetes Secret) rather than argv, where `ps` shows it;
  // taken out before the apps' environment is built from ours.
  const envToken = process.env[TOKEN_VAR];
  Reflect.deleteProperty(process.env, TOKEN_VAR);
  const root = program(async (target, args, flags) => {
    const http = httpFromFlags(flags.http, flags.httpToken ?? envToken);
    const specs = await runSpecs(target, args, flags);
    const stopMs = stopTimeoutMs(flags.stopTimeout);
    code = await runForeground(specs, { stopTimeoutMs: stopMs, onStarted: http ?? undefined });
  });
  try {
    await root.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : 2;
    return reportError(err);
  }
}

if (!handOverToReaper(process.argv)) {
  void main(process.argv).then((code) => process.exit(code));
}
