/**
 * What differs between the spec an app runs with and the one a config file
 * asks for, in the terms `apply` reports: script, args, env variable names
 * (never their values: they may be secrets) and the other options.
 */
import type { AppSpec, LogSpec } from '../../protocol/types';

export interface EnvDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface SpecChanges {
  script: boolean;
  args: boolean;
  env: EnvDiff;
  /** Other AppSpec fields that differ (`logs.*` for log settings), `instances` excluded: that is a scale. */
  options: string[];
}

/**
 * Variables a shell rewrites for every command it runs: `_` is the path the
 * command was invoked by, OLDPWD and SHLVL follow the user's session. They
 * differ between two invocations of clusterctl for no reason that matters to
 * an app, so they alone never make `apply` reload an app.
 */
export const VOLATILE_ENV: ReadonlySet<string> = new Set(['_', 'OLDPWD', 'SHLVL']);

/**
 * Fields that live in the app primary itself: changing them means a new
 * primary (stop, then start). A rolling reload cannot move an app into or
 * out of a primary group's host either: that is another process too.
 */
export const PRIMARY_FIELDS: ReadonlySet<string> = new Set(['interpreter', 'scheduling', 'sticky', 'primaryGroup']);

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffEnv(from: Record<string, string>, to: Record<string, string>): EnvDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const key of Object.keys(to)) {
    if (VOLATILE_ENV.has(key)) continue;
    if (!Object.prototype.hasOwnProperty.call(from, key)) added.push(key);
    else if (from[key] !== to[key]) changed.push(key);
  }
  for (const key of Object.keys(from)) {
    if (VOLATILE_ENV.has(key)) continue;
    if (!Object.prototype.hasOwnProperty.call(to, key)) removed.push(key);
  }
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}

export function diffSpecs(from: AppSpec, to: AppSpec): SpecChanges {
  const options: string[] = [];
  for (const key of Object.keys(to) as Array<keyof AppSpec>) {
    if (key === 'name' || key === 'script' || key === 'args' || key === 'env' || key === 'instances' || key === 'logs')
      continue;
    if (!sameJson(from[key], to[key])) options.push(key);
  }
  for (const key of Object.keys(to.logs) as Array<keyof LogSpec>) {
    if (!sameJson(from.logs[key], to.logs[key])) options.push(`logs.${key}`);
  }
  return {
    script: from.script !== to.script,
    args: !sameJson(from.args, to.args),
    env: diffEnv(from.env, to.env),
    options,
  };
}

/**
 * The namespace alone changed: it is the daemon's (which apps a target
 * names), never seen by a worker, so the daemon stores it and no worker is
 * replaced for it (the reload handler).
 */
export function onlyNamespaceChanged(c: SpecChanges): boolean {
  const env = c.env.added.length + c.env.removed.length + c.env.changed.length;
  return !c.script && !c.args && env === 0 && c.options.length === 1 && c.options[0] === 'namespace';
}

export function hasChanges(c: SpecChanges): boolean {
  return (
    c.script || c.args || c.options.length > 0 || c.env.added.length + c.env.removed.length + c.env.changed.length > 0
  );
}
