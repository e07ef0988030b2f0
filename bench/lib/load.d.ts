// Types of load.js for the TypeScript unit tests (the bench itself is plain CommonJS).
export interface LoadOptions {
  port: number;
  host?: string;
  connections: number;
  keepAlive: boolean;
  durationMs?: number;
  maxMs?: number;
  timeoutMs?: number;
  path?: string;
  onResponse?: (status: number, body: Buffer, atMs: number) => void;
}
export interface LoadResult {
  durationMs: number;
  ok: number;
  non2xx: number;
  errors: Record<string, number>;
  failed: number;
  rps: number;
  connectionsOpened: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
}
export function startLoad(opts: LoadOptions): {
  done: Promise<LoadResult>;
  stop: () => Promise<LoadResult>;
  failedSoFar: () => number;
};
export function parseResponse(buf: Buffer): { status: number; body: Buffer; close: boolean } | null;
