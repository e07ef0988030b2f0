/**
 * The programmatic API: `import { connect } from 'clusterctl'`. The client
 * is the one the CLI uses; the types are the protocol's.
 */
export { connect, Client, type ConnectOptions } from './client/client';
export { ClusterctlError, ERROR_CODES, exitCodeFor, type ErrorCode } from './protocol/errors';
export type {
  DaemonApi,
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
