/**
 * `clusterctl export k8s`: the Kubernetes objects that run one app with
 * `clusterctl run` in a container. The probes use run's own HTTP endpoint
 * (/readyz, /healthz), the grace period covers a graceful stop plus a preStop
 * pause (so endpoints stop routing to the pod before it drains), CPU matches
 * the worker count, memory follows max_memory_restart, the plain variables go
 * in a ConfigMap and the secret-looking ones are secretKeyRefs to a Secret
 * named after the app, which is never generated: no secret value is written.
 */
import { appFileName } from '../../protocol/app-name';
import type { SourcedApp } from './app-source';
import { splitSecrets } from './app-env';
import { runArgs, stopBudgetSeconds } from './run-command';

/** Where `run --http` listens inside the container for the kubelet's probes. */
export const HEALTH_PORT = 9615;
/** The variable `clusterctl run` reads its --http token from (never put in argv, where `ps` shows it). */
export const HTTP_TOKEN_VAR = 'CLUSTERCTL_HTTP_TOKEN';
/** Seconds the preStop hook waits, for the endpoints controller to take the pod out of the Service. */
export const PRESTOP_SLEEP_S = 5;
/** The primary and the headroom above the workers' limit, so clusterctl's memory restart acts before the OOM killer. */
const PRIMARY_MEMORY_MIB = 128;

export interface K8sOptions {
  image: string;
  replicas: number;
  /** The port the app listens on (--port, or its PORT variable), or null for no Service. */
  port: number | null;
  /** Folder the image's WORKDIR mirrors: paths in the command are relative to it. */
  base: string;
}

export type K8sObject = Record<string, unknown> & { kind: string };

/** An app name as a DNS-1123 label (lowercase letters, digits, "-"), from its file form (a name of no ASCII gets its hash). */
export function k8sName(name: string): string {
  const label = appFileName(name)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? 'app' : label;
}

/** `--port`, else the app's PORT variable when it is a port number. */
export function declaredPort(app: SourcedApp, flag: number | null): number | null {
  if (flag !== null) return flag;
  const raw = Object.hasOwn(app.env, 'PORT') ? app.env.PORT : '';
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  return port >= 1 && port <= 65535 ? port : null;
}

function container(app: SourcedApp, opts: K8sOptions, secretNames: string[], hasConfigMap: boolean) {
  const name = k8sName(app.spec.name);
  const { instances, maxMemoryRestart } = app.spec;
  const resources: Record<string, Record<string, string>> = {
    requests: { cpu: String(instances) },
    limits: { cpu: String(instances) },
  };
  if (maxMemoryRestart > 0) {
    const mib = `${Math.ceil((instances * maxMemoryRestart) / 1048576) + PRIMARY_MEMORY_MIB}Mi`;
    resources.requests = { ...resources.requests, memory: mib };
    resources.limits = { ...resources.limits, memory: mib };
  }
  const probe = (path: string, period: number) => ({
    httpGet: { path, port: 'health' },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    name,
    image: opts.image,
    command: ['clusterctl'],
    args: [...runArgs(app, { mode: 'relative', base: opts.base }), '--http', `0.0.0.0:${HEALTH_PORT}`],
    ports: [
      ...(opts.port === null ? [] : [{ name: 'http', containerPort: opts.port, protocol: 'TCP' }]),
      { name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' },
    ],
    ...(hasConfigMap ? { envFrom: [{ configMapRef: { name: `${name}-env` } }] } : {}),
    ...(secretNames.length > 0
      ? { env: secretNames.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name, key } } })) }
      : {}),
    resources,
    readinessProbe: probe('/readyz', 5),
    livenessProbe: { ...probe('/healthz', 10), initialDelaySeconds: Math.ceil(app.spec.listenTimeout / 1000) },
    // The image has node (it runs clusterctl), so the pause needs no `sleep` binary.
    lifecycle: { preStop: { exec: { command: ['node', '-e', `setTimeout(() => {}, ${PRESTOP_SLEEP_S * 1000})`] } } },
  };
}

/** The objects for one app: a ConfigMap (when it has plain variables), a Deployment, a Service (when it has a port). */
export function k8sObjects(app: SourcedApp, opts: K8sOptions): { objects: K8sObject[]; secretNames: string[] } {
  const name = k8sName(app.spec.name);
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'clusterctl' };
  const split = splitSecrets(app.env);
  const { plain } = split;
  // `run --http 0.0.0.0:...` refuses to start without a token for /metrics: it reads it from this Secret key.
  const secretNames = [...split.secretNames, HTTP_TOKEN_VAR];
  const hasConfigMap = Object.keys(plain).length > 0;
  const objects: K8sObject[] = [];
  if (hasConfigMap)
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-env`, labels }, data: plain });
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: PRESTOP_SLEEP_S + stopBudgetSeconds(app.spec),
          containers: [container(app, opts, secretNames, hasConfigMap)],
        },
      },
    },
  });
  if (opts.port !== null)
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: {
        selector: { 'app.kubernetes.io/name': name },
        ports: [{ name: 'http', port: opts.port, targetPort: 'http', protocol: 'TCP' }],
      },
    });
  return { objects, secretNames };
}
