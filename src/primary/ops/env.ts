/** `env`: the exact environment the worker of an instance runs with. */
import type { WorkerEnvResult } from '../../protocol/api';
import type { App } from '../app';
import { workerEnv } from '../worker-env';
import { checkInstance } from './signal';

export function envOf(app: App, instance: number): WorkerEnvResult {
  checkInstance(app, instance);
  return { instance, env: workerEnv(app.spec, instance) };
}
