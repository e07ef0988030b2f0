/**
 * Default values of every AppSpec field, in one place. The README's option
 * tables quote these; flags and config files override them.
 */
import { DEFAULT_NAMESPACE } from '../protocol/app-name';
import { defaultLogPaths } from '../protocol/paths';
import type { AppSpec } from '../protocol/types';

export const DEFAULTS = {
  instances: 1,
  killTimeout: 5000,
  stopSignal: 'SIGINT',
  waitReady: false,
  listenTimeout: 10000,
  minUptime: 1000,
  maxRestarts: 16,
  restartDelay: 0,
  expBackoffRestartDelay: 100,
  autorestart: true,
  maxMemoryRestart: 0,
  instanceVar: 'NODE_APP_INSTANCE',
  logMaxSize: 10 * 1024 * 1024,
  logRetain: 5,
  watchDelayMs: 300,
  watchPollIntervalMs: 1000,
  scheduling: 'rr',
  namespace: DEFAULT_NAMESPACE,
} as const;

/** How the daemon's and the app primaries' own logs rotate: as an app's logs do by default (uncompressed). */
export const OWN_LOG_ROTATION = { maxSize: DEFAULTS.logMaxSize, retain: DEFAULTS.logRetain } as const;

/** A complete spec for `name`/`script`, every other field at its default. */
export function defaultSpec(
  home: string,
  name: string,
  script: string,
  cwd: string,
  env: Record<string, string>,
): AppSpec {
  const logs = defaultLogPaths(home, name);
  return {
    name,
    script,
    args: [],
    cwd,
    instances: DEFAULTS.instances,
    nodeArgs: [],
    interpreter: process.execPath,
    env,
    killTimeout: DEFAULTS.killTimeout,
    stopSignal: DEFAULTS.stopSignal,
    waitReady: DEFAULTS.waitReady,
    listenTimeout: DEFAULTS.listenTimeout,
    minUptime: DEFAULTS.minUptime,
    maxRestarts: DEFAULTS.maxRestarts,
    restartDelay: DEFAULTS.restartDelay,
    expBackoffRestartDelay: DEFAULTS.expBackoffRestartDelay,
    autorestart: DEFAULTS.autorestart,
    stopExitCodes: [],
    maxMemoryRestart: DEFAULTS.maxMemoryRestart,
    instanceVar: DEFAULTS.instanceVar,
    incrementVar: null,
    scheduling: DEFAULTS.scheduling,
    shutdownWithMessage: false,
    sticky: false,
    primaryGroup: null,
    namespace: DEFAULTS.namespace,
    logs: {
      out: logs.out,
      err: logs.err,
      time: false,
      dateFormat: null,
      format: 'text',
      maxSize: DEFAULTS.logMaxSize,
      retain: DEFAULTS.logRetain,
      compress: false,
      combined: null,
    },
    watch: null,
    cron: null,
    execMode: 'cluster',
    execInterpreter: 'node',
    interpreterArgs: [],
    readyUrl: null,
    readyPort: null,
    readyLog: null,
  };
}
