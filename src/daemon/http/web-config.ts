/**
 * The endpoint's setting, kept in CLUSTERCTL_HOME/web.json (written
 * atomically) so a restarted daemon listens again where it did; and its
 * token, CLUSTERCTL_HOME/web.token (0600), made on first use.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../os/atomic-file';
import type { WebConfig } from '../../protocol/api';

export const DEFAULT_WEB_HOST = '127.0.0.1';
export const DEFAULT_WEB_PORT = 9615;

const OFF: WebConfig = { enabled: false, host: DEFAULT_WEB_HOST, port: DEFAULT_WEB_PORT, readOnly: false };

const configSchema = z.object({
  enabled: z.boolean(),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  readOnly: z.boolean(),
});

export function webConfigPath(home: string): string {
  return join(home, 'web.json');
}

export function webTokenPath(home: string): string {
  return join(home, 'web.token');
}

/** The stored setting; off when there is none. A corrupt file reads as off (and `onBad` says why). */
export function loadWebConfig(home: string, onBad: (why: string) => void): WebConfig {
  let text: string;
  try {
    text = readFileSync(webConfigPath(home), 'utf8');
  } catch {
    return OFF;
  }
  try {
    return configSchema.parse(JSON.parse(text));
  } catch (err) {
    onBad(err instanceof Error ? err.message : String(err));
    return OFF;
  }
}

export function saveWebConfig(home: string, config: WebConfig): void {
  writeFileAtomic(webConfigPath(home), `${JSON.stringify(config, null, 2)}\n`, 0o600);
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,}$/;

/** The token, made (32 random bytes, base64url) and stored 0600 the first time. */
export function ensureToken(home: string): string {
  const path = webTokenPath(home);
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (TOKEN_PATTERN.test(text)) {
      chmodSync(path, 0o600);
      return text;
    }
  } catch {
    /* none yet */
  }
  const token = randomBytes(32).toString('base64url');
  writeFileAtomic(path, `${token}\n`, 0o600);
  return token;
}

/** Compares the bearer token in constant time (timingSafeEqual needs equal lengths: a length mismatch is a refusal). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim(), 'utf8');
  const expected = Buffer.from(token, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
