/**
 * Readiness probes, from flags (`--ready-url`, `--ready-port`, `--ready-log`)
 * or an ecosystem file (`ready_url`, `ready_port`, `ready_log`, named after
 * Kubernetes' httpGet / tcpSocket probes), checked by hand like every flag.
 */
import { ClusterctlError } from '../protocol/errors';
import type { AppSpec } from '../protocol/types';

export interface ReadinessInput {
  readyUrl?: string;
  readyPort?: string | number;
  readyLog?: string;
}

export function parseReadyUrl(label: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ClusterctlError(
      'E_USAGE',
      `${label} ${JSON.stringify(raw)}: not a URL; expected e.g. http://127.0.0.1:3000/health`,
    );
  }
  if (url.protocol !== 'http:')
    throw new ClusterctlError('E_USAGE', `${label} ${JSON.stringify(raw)}: expected an http:// URL`);
  return url.toString();
}

export function parseReadyPort(label: string, raw: string | number): number {
  const text = String(raw).trim();
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new ClusterctlError('E_USAGE', `${label} ${JSON.stringify(raw)}: expected a port number from 1 to 65535`);
  return port;
}

/** The spec's probe fields with `input` applied; `labels` name the flag or key in messages. */
export function applyReadiness(
  spec: AppSpec,
  input: ReadinessInput,
  labels: { url: string; port: string; log: string },
): AppSpec {
  const next: AppSpec = { ...spec };
  if (input.readyUrl !== undefined) next.readyUrl = parseReadyUrl(labels.url, input.readyUrl);
  if (input.readyPort !== undefined) next.readyPort = parseReadyPort(labels.port, input.readyPort);
  if (input.readyLog !== undefined) {
    if (input.readyLog === '') throw new ClusterctlError('E_USAGE', `${labels.log}: expected a non-empty text`);
    next.readyLog = input.readyLog;
  }
  const set = [next.readyUrl, next.readyPort, next.readyLog].filter((v) => v !== null).length;
  if (set > 1)
    throw new ClusterctlError(
      'E_USAGE',
      `${labels.url}, ${labels.port} and ${labels.log}: give one readiness probe, not ${set}`,
    );
  return next;
}
