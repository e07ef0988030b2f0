/** HTTP against the daemon's web endpoint on 127.0.0.1: any method, headers, a body; fresh connection each time. */
import { request } from 'node:http';
import parsePrometheus from 'parse-prometheus-text-format';
import type { Sandbox } from './sandbox';

export interface WebResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export function webRequest(
  port: number,
  path: string,
  opts: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<WebResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, agent: false, timeout: 10000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Turns the endpoint on at `port` (plus `extra` flags) and returns the token. */
export async function enableWeb(sb: Sandbox, port: number, extra: string[] = []): Promise<string> {
  await sb.ok(['web', '--port', String(port), ...extra]);
  return (await sb.ok(['web', '--token'])).stdout.trim();
}

export type Families = ReturnType<typeof parsePrometheus>;

export function parseMetrics(text: string): Families {
  return parsePrometheus(text);
}

/** The value of the sample of `name` whose labels include `labels`, or undefined. */
export function sampleValue(families: Families, name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}
