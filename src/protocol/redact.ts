/**
 * Env values are often secrets (tokens, passwords, connection strings), so
 * whatever shows a spec to a person (`describe`, `ls --json`) shows the
 * variable names with every value replaced, unless `--show-env` asks for them.
 */
import type { AppInfo, AppSpec } from './types';

export const REDACTED = '***';

export function redactEnv(spec: AppSpec): AppSpec {
  const env: Record<string, string> = {};
  for (const key of Object.keys(spec.env)) env[key] = REDACTED;
  return { ...spec, env };
}

export function redactAppInfo(info: AppInfo): AppInfo {
  return { ...info, spec: redactEnv(info.spec) };
}
