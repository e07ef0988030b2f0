/**
 * The PrimaryApi of one app, the same table whether the app has a primary
 * of its own or runs in a primary group host (hosted-app.ts holds what it
 * works on). In a host, a spec that asks for what the host cannot give (its
 * group, its node, its frozen scheduling: group-context.ts) is refused with
 * E_GROUP_CONFLICT and changes nothing.
 */
import { ClusterctlError } from '../protocol/errors';
import type { CallContext, Handlers } from '../protocol/rpc-server';
import { primaryParams } from '../protocol/primary-params';
import type { AppSpec } from '../protocol/types';
import { App } from './app';
import type { HostedApp } from './hosted-app';
import { init } from './ops/init';
import { reload } from './ops/reload';
import { restart } from './ops/restart';
import { scale } from './ops/scale';
import { signalWorkers } from './ops/signal';
import { envOf } from './ops/env';
import { flushHandler, reopenLogsHandler } from './logs/handlers';
import { gatherWorkerMetrics } from './metrics';

/** In a group host: `spec` must suit the host, and the first cluster-mode spec sets its scheduling. */
function suitHost(h: HostedApp, spec: AppSpec): void {
  h.group?.check(spec);
  h.group?.adopt(spec);
}

async function initialise(h: HostedApp, spec: AppSpec): Promise<App> {
  if (spec.name !== h.name) throw new ClusterctlError('E_BAD_SPEC', `this primary runs ${h.name}, not ${spec.name}`);
  if (h.isStopping) throw new ClusterctlError('E_BUSY', `app ${h.name} is stopping`);
  if (!h.app) {
    h.group?.check(spec);
    const app = new App(spec, h.log, h.strict, h.group);
    h.initialise(app);
    h.log.info('initialising', { instances: spec.instances, script: spec.script });
    await h.triggers.sync(app);
  }
  return h.requireApp();
}

/** Status and metrics events until the caller disconnects. */
function subscribe(a: App, ctx: CallContext): Promise<null> {
  ctx.emit('status', a.status());
  const off = a.subscribe((s) => ctx.emit('status', s));
  const offMetrics = a.subscribeMetrics((m) => ctx.emit('metrics', m));
  return new Promise<null>((resolve) =>
    ctx.onClose(() => {
      off();
      offMetrics();
      resolve(null);
    }),
  );
}

export function primaryHandlers(h: HostedApp): Handlers {
  return {
    hello: (params) => {
      primaryParams.hello(params);
      return h.status();
    },
    init: async (params) => {
      const { spec } = primaryParams.init(params);
      return init(await initialise(h, spec));
    },
    status: (params) => {
      primaryParams.status(params);
      return h.status();
    },
    subscribe: (params, ctx) => {
      primaryParams.subscribe(params);
      return subscribe(h.requireApp(), ctx);
    },
    stop: (params, ctx) => {
      primaryParams.stop(params);
      // After the reply, whether the stop succeeded or failed: an app asked to stop never stays half open.
      ctx.afterReply(() => h.finish());
      return h.stop();
    },
    restart: (params) => {
      const { spec } = primaryParams.restart(params);
      const a = h.requireApp();
      suitHost(h, spec);
      return restart(a, spec).finally(() => h.triggers.sync(a));
    },
    reload: (params, ctx) => {
      const { spec, parallel } = primaryParams.reload(params);
      const a = h.requireApp();
      suitHost(h, spec);
      return reload(a, spec, parallel, (e) => ctx.emit('progress', e)).finally(() => h.triggers.sync(a));
    },
    scale: (params) => {
      const { instances } = primaryParams.scale(params);
      return scale(h.requireApp(), instances);
    },
    flush: flushHandler(() => h.requireApp().logs),
    reopenLogs: reopenLogsHandler(() => h.requireApp().logs),
    metrics: (params) => {
      const { timeoutMs } = primaryParams.metrics(params);
      return gatherWorkerMetrics(h.name, timeoutMs, h.app?.clusterWorkers() ?? []);
    },
    signal: (params) => {
      const { signal, instance } = primaryParams.signal(params);
      return signalWorkers(h.requireApp(), signal, instance);
    },
    env: (params) => {
      const { instance } = primaryParams.env(params);
      return envOf(h.requireApp(), instance);
    },
  };
}
