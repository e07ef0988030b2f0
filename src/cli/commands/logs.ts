/**
 * `clusterctl logs [name]`: the last lines of an app's log files (or of
 * every app's), interleaved in time, then the new lines as they come. The
 * daemon only says where the files are; the lines are read from the files
 * directly, so a flooding app costs the daemon nothing.
 */
import type { Command } from 'commander';
import { connect, type Client } from '../../client/client';
import type { LogStream } from '../../logfile/line';
import { homePaths, resolveHome } from '../../protocol/paths';
import type { AppInfo } from '../../protocol/types';
import { FileFollower } from '../logs/follow';
import {
  colorPalette,
  formatDaemonLine,
  formatEntry,
  formatEntryJson,
  NO_COLOR_PALETTE,
  type LogEntry,
  type Palette,
} from '../logs/format';
import { exitQuietlyOnClose, writeLines } from '../logs/output';
import {
  entryOf,
  interleave,
  keepInstance,
  refuseRunOutput,
  sourcesOf,
  tailSources,
  type LogSource,
  type SourceFilter,
} from '../logs/sources';
import { tailLog } from '../logs/tail';
import { useColor, usage } from '../output';
import { withClient } from '../session';

export interface LogsFlags {
  lines?: string;
  follow?: boolean;
  nostream?: boolean;
  out?: boolean;
  err?: boolean;
  instance?: string;
  json?: boolean;
  daemon?: boolean;
}

const DEFAULT_LINES = 15;
const POLL_MS = 200;
/** How often following asks the daemon for new apps or changed log paths. */
const REFRESH_MS = 2000;

interface LogsOptions {
  lines: number;
  follow: boolean;
  filter: SourceFilter;
  json: boolean;
  palette: Palette;
}

function wholeNumber(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 1_000_000)
    throw usage(`${flag} ${JSON.stringify(raw)}: expected a whole number from 0 to 1000000`);
  return Number(raw);
}

export function parseLogsFlags(name: string | undefined, flags: LogsFlags): LogsOptions {
  if (flags.follow && flags.nostream) throw usage('--follow and --nostream exclude each other');
  if (flags.out && flags.err) throw usage('--out and --err exclude each other; give neither for both streams');
  if (flags.daemon && (name !== undefined || flags.out || flags.err || flags.instance !== undefined)) {
    throw usage('--daemon shows the daemon log only: it takes no app name, --out, --err or --instance');
  }
  const streams: LogStream[] = flags.out ? ['out'] : flags.err ? ['err'] : ['out', 'err'];
  return {
    lines: flags.lines === undefined ? DEFAULT_LINES : wholeNumber('--lines', flags.lines),
    follow: !flags.nostream,
    filter: { streams, instance: flags.instance === undefined ? null : wholeNumber('--instance', flags.instance) },
    json: flags.json === true,
    palette: flags.json || !useColor() ? NO_COLOR_PALETTE : colorPalette(),
  };
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("show the last lines of an app's logs (or of every app's), interleaved in time, then follow new lines")
    .argument('[name]', 'app name, or a namespace (default: every app)')
    .option('--lines <n>', `lines of history per log file (default ${DEFAULT_LINES}); 0 shows only new lines`)
    .option('--follow', 'keep printing new lines as they come (the default)')
    .option('--nostream', 'print the last lines and exit')
    .option('--out', 'only stdout (the out log)')
    .option('--err', 'only stderr (the err log)')
    .option('--instance <i>', 'only the lines of this instance number')
    .option('--json', 'one JSON object per line: {time, app, instance, stream, msg}')
    .option('--daemon', "show the daemon's own log (daemon.log), formatted for reading")
    .addHelpText(
      'after',
      `
Lines read: <time> <app>:<instance> <out|err> | <message> (the time only when the app logs with --time).
Following survives log rotation, reload-logs, flush and restarts; Ctrl-C ends it.

Examples:
  $ clusterctl logs                      every app, then follow
  $ clusterctl logs api --lines 100 --nostream
  $ clusterctl logs api --err --instance 1
  $ clusterctl logs api --json | jq -r .msg
  $ clusterctl logs --daemon`,
    )
    .action(async (name: string | undefined, flags: LogsFlags) => {
      const opts = parseLogsFlags(name, flags);
      if (flags.daemon) {
        await showDaemonLog(opts);
        return;
      }
      const apps = await withClient((client) => appsOf(client, name));
      await showAppLogs(name, apps, opts);
    });
}

/** The named app, or every app. */
/**
 * Every app, or the one `name` names, or, when no app has that name, the apps of the
 * namespace `name` (the daemon's rule for targets, Registry.resolve); otherwise the
 * daemon's own "no app named" error.
 */
async function appsOf(client: Client, name: string | undefined): Promise<AppInfo[]> {
  const apps = await client.list();
  if (name === undefined) return apps;
  const named = apps.filter((a) => a.name === name);
  const chosen = named.length > 0 ? named : apps.filter((a) => a.spec.namespace === name);
  return chosen.length > 0 ? chosen : [await client.describe({ name })];
}

async function showAppLogs(name: string | undefined, apps: AppInfo[], opts: LogsOptions): Promise<void> {
  const render = (e: LogEntry): string => (opts.json ? formatEntryJson(e) : formatEntry(e, opts.palette));
  exitQuietlyOnClose(opts.follow);
  const sources = sourcesOf(apps, opts.filter);
  refuseRunOutput(apps, sources);
  const tails = tailSources(sources, opts.lines, opts.filter);
  if (opts.lines > 0) writeLines(interleave(tails).map(render));
  if (!opts.follow) return;

  const followers = new Map<string, FileFollower>();
  const follow = (source: LogSource, start: { ino: number | null; offset: number } | null): void => {
    const keep = keepInstance(opts.filter.instance, source);
    const f = new FileFollower(source.path, start, (lines) => {
      writeLines(lines.filter(keep).map((l) => render(entryOf(source, l))));
    });
    followers.set(source.path, f);
  };
  for (const { source, tail } of tails) follow(source, { ino: tail.ino, offset: tail.offset });

  // New apps (following every app) and changed paths (a restart with other --out/--err)
  // are picked up from the daemon; a file found this way is followed from its current end.
  const refresh = async (): Promise<void> => {
    const client = await connect({ autoStart: false });
    try {
      const latest = await appsOf(client, name);
      for (const source of sourcesOf(latest, opts.filter)) {
        if (followers.has(source.path)) continue;
        const t = tailLog(source.path, 0);
        follow(source, { ino: t.ino, offset: t.offset });
      }
    } finally {
      client.close();
    }
  };
  let refreshing = false;
  setInterval(() => {
    if (refreshing) return;
    refreshing = true;
    // The daemon being away (killed, restarting) must not end a follow: the files are still there.
    refresh()
      .catch(() => undefined)
      .finally(() => (refreshing = false));
  }, REFRESH_MS);
  setInterval(() => {
    for (const f of followers.values()) f.poll();
  }, POLL_MS);
  await new Promise<never>(() => undefined);
}

async function showDaemonLog(opts: LogsOptions): Promise<void> {
  const path = homePaths(resolveHome()).daemonLog;
  const render = (line: string): string => (opts.json ? line : formatDaemonLine(line, opts.palette));
  exitQuietlyOnClose(opts.follow);
  const tail = tailLog(path, opts.lines);
  writeLines(tail.lines.map(render));
  if (!opts.follow) return;
  const follower = new FileFollower(path, { ino: tail.ino, offset: tail.offset }, (lines) =>
    writeLines(lines.map(render)),
  );
  setInterval(() => follower.poll(), POLL_MS);
  await new Promise<never>(() => undefined);
}
