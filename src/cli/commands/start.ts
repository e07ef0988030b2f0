/** `clusterctl start <script|name>`: hand a new app to the daemon, or start a stopped one again. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isConfigFile } from '../../config/file/detect';
import { specFromFlags, type StartFlags } from '../../config/flags';
import { shellName } from '../../protocol/app-name';
import { resolveHome } from '../../protocol/paths';
import { isAppName, type AppInfo } from '../../protocol/types';
import { notice, print, usage } from '../output';
import { renderAppTable } from '../render/table';
import { withClient, withRunningDaemon } from '../session';
import { configStartFlags, startFromConfig } from './start-config';
import { addStartOptions, NEW_APP_FLAGS } from './start-options';

type StartCommandFlags = StartFlags & { only?: string };

function pathExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the registered app `target` (or every stopped app, for "all") again;
 * null when there is no such app, so `target` is taken for a new script.
 */
async function resumeRegistered(target: string, args: string[], flags: StartCommandFlags): Promise<AppInfo[] | null> {
  // With no daemon running there is no registered app: do not start one just to find out.
  return withRunningDaemon(async (client) => {
    // A namespace counts too: the daemon starts its stopped apps (Registry.resolve).
    const known =
      (await client.list()).some((a) => a.name === target || a.spec.namespace === target) || target === 'all';
    if (!known) return null;
    const given = NEW_APP_FLAGS.filter((f) => flags[f] !== undefined);
    if (given.length > 0 || args.length > 0) {
      throw usage(
        `${target} is a registered app, and options or arguments only apply to a new script; use \`clusterctl restart ${shellName(target)}\` or \`clusterctl scale ${shellName(target)} N\``,
      );
    }
    return client.resume({ target });
  });
}

async function runStart(target: string, args: string[], flags: StartCommandFlags): Promise<void> {
  if (isConfigFile(target)) {
    const others: string[] = NEW_APP_FLAGS.filter((f) => f !== 'env' && flags[f] !== undefined);
    if (flags.autorestart === false) others.push('noAutorestart');
    await startFromConfig(target, configStartFlags(args, flags.env, flags.only, others));
    return;
  }
  if (flags.only !== undefined) throw usage('--only selects apps of a config file (*.config.js, .json, .yaml)');
  const callerCwd = process.cwd();
  const isFile = pathExists(resolve(callerCwd, target));
  if (!isFile && isAppName(target)) {
    const resumed = await resumeRegistered(target, args, flags);
    if (resumed) {
      print(renderAppTable(resumed));
      return;
    }
  }
  // Everything is checked here, before the daemon is asked for anything.
  const notices: string[] = [];
  const spec = specFromFlags(target, args, flags, { home: resolveHome(), cwd: callerCwd, env: process.env, notices });
  for (const n of notices) notice(n);
  const info = await withClient((client) => client.start({ spec }));
  print(renderAppTable([info]));
}

export function registerStart(program: Command): void {
  addStartOptions(
    program
      .command('start')
      .description('start a script as a new app (one worker per instance), or start a stopped app again by name')
      .argument('<script|name>', 'the script to run (a path, or a command on PATH), or the name of a stopped app')
      .argument('[args...]', 'arguments for the script (put them after --)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl start app.js -i max              one worker per usable CPU
  $ clusterctl start server.mjs -i -1 --name api -- --port 8080
  $ clusterctl start app.js --env PORT=3000 --env NODE_ENV=production
  $ clusterctl start app.js --watch --ignore-watch "*.tmp"   reload on change (after the script)
  $ clusterctl start job.js --no-autorestart --cron-restart "0 3 * * *"
  $ clusterctl start api                        start the stopped app "api" again
  $ clusterctl start worker.py -i 2             fork mode: two python3 processes
  $ clusterctl start npm --name web --ready-url http://127.0.0.1:3000/ -- start
  $ clusterctl start api.js --primary-group shared   one primary for every app of "shared"
  $ clusterctl start api.js -i 4 --scheduling none   the workers accept connections, not the primary
  $ clusterctl start ecosystem.config.js --env production --only api,web`,
    )
    .action((target: string, args: string[], flags: StartCommandFlags) => runStart(target, args, flags));
}
