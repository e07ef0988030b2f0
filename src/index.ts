/**
 * The programmatic API: `import { connect } from 'clusterctl'`. The client
 * is the one the CLI uses, with one method per DaemonMethod taking that
 * method's params object; the types are the protocol's.
 */
export { connect, Client, type ConnectOptions, type ReloadCallOptions } from './client/client';
export type { DaemonCall, DaemonCalls } from './client/daemon-calls';
export { DAEMON_METHODS } from './protocol/api';
export { ClusterctlError, ERROR_CODES, exitCodeFor, type ErrorCode } from './protocol/errors';
export type {
  DaemonApi,
  DaemonMethod,
  HelloResult,
  LifecycleOverrides,
  ProgressEvent,
  ReloadOptions,
  RestartOptions,
  ScaleTarget,
} from './protocol/api';
export type {
  AppInfo,
  AppSpec,
  AppStatus,
  DaemonInfo,
  ExitRecord,
  LogSpec,
  StopSignal,
  WorkerInfo,
  WorkerStatus,
} from './protocol/types';
export { specFromFlags, type StartFlags, type SpecContext } from './config/flags';
