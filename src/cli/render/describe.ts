/** `describe`: the app's spec, then each worker with its last exit. */
import type { AppInfo, ExitRecord } from '../../protocol/types';
import { paintStatus } from './colors';
import { namespaceOf } from './table';
import { humanBytes, isoTime } from './format';
import { triggerLines } from './triggers';
import { instanceLabel, reasonText, sortedWorkers } from './worker-text';

function timestamps(logs: AppInfo['spec']['logs']): string {
  if (!logs.time) return '';
  return logs.dateFormat === null ? ', timestamps' : `, timestamps as ${JSON.stringify(logs.dateFormat)}`;
}

function exitText(exit: ExitRecord | null): string {
  if (!exit) return '-';
  const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
  return `${how} (${exit.reason}) at ${isoTime(exit.at)}`;
}

function execInterpreterText(s: AppInfo['spec']): string {
  if (s.execInterpreter === 'node') return s.interpreter;
  if (s.execInterpreter === 'none') return 'none (the script runs itself)';
  return s.interpreterArgs.length === 0
    ? s.execInterpreter
    : `${s.execInterpreter} ${JSON.stringify(s.interpreterArgs)}`;
}

function probeText(s: AppInfo['spec']): string {
  if (s.readyUrl !== null) return `GET ${s.readyUrl} answers 200-399`;
  if (s.readyPort !== null) return `TCP 127.0.0.1:${s.readyPort} accepts`;
  if (s.readyLog !== null) return `output contains ${JSON.stringify(s.readyLog)}`;
  return '-';
}

/** node:cluster's scheduling, which a fork-mode app has none of. */
function schedulingText(s: AppInfo['spec']): string {
  if (s.execMode === 'fork') return '- (fork mode)';
  return s.scheduling === 'rr' ? 'rr (the primary accepts, round-robin)' : 'none (the workers accept)';
}

/**
 * `primary group  G (pid N, K apps)`: the apps that run in the same host,
 * counted from `all` (every app the daemon lists); nothing for an app with
 * a primary of its own.
 */
function groupLine(app: AppInfo, all: readonly AppInfo[]): Array<[string, string]> {
  const group = app.spec.primaryGroup;
  if (group === null) return [];
  if (app.primaryPid === null) return [['primary group', `${group} (its host does not run this app now)`]];
  const k = all.filter((a) => a.primaryPid === app.primaryPid && a.spec.primaryGroup === group).length;
  return [['primary group', `${group} (pid ${app.primaryPid}, ${k} app${k === 1 ? '' : 's'})`]];
}

export function renderDescribe(app: AppInfo, now: number = Date.now(), all: readonly AppInfo[] = [app]): string {
  const s = app.spec;
  const lines: Array<[string, string]> = [
    ['name', app.name],
    ['namespace', namespaceOf(app)],
    ['status', paintStatus(app.status)],
    ['primary pid', app.primaryPid === null ? '-' : String(app.primaryPid)],
    ...groupLine(app, all),
    ['created', isoTime(app.createdAt)],
    ['script', s.script],
    ['args', s.args.length === 0 ? '-' : JSON.stringify(s.args)],
    ['cwd', s.cwd],
    ['instances', String(s.instances)],
    ['exec mode', s.execMode],
    ['interpreter', execInterpreterText(s)],
    ['node args', s.nodeArgs.length === 0 ? '-' : JSON.stringify(s.nodeArgs)],
    ['env', `${Object.keys(s.env).length} variables`],
    ['kill timeout', `${s.killTimeout} ms`],
    ['stop signal', s.shutdownWithMessage ? "message 'shutdown' (no signal)" : s.stopSignal],
    ['sticky', String(s.sticky)],
    ['scheduling', schedulingText(s)],
    ['wait ready', String(s.waitReady)],
    ['listen timeout', `${s.listenTimeout} ms`],
    ['ready probe', probeText(s)],
    ['autorestart', String(s.autorestart)],
    [
      'restart delay',
      s.restartDelay > 0 ? `${s.restartDelay} ms (fixed)` : `${s.expBackoffRestartDelay} ms, x1.5 per restart`,
    ],
    ['min uptime', `${s.minUptime} ms`],
    ['max restarts', String(s.maxRestarts)],
    ['stop exit codes', s.stopExitCodes.length === 0 ? '-' : s.stopExitCodes.join(',')],
    ['max memory', s.maxMemoryRestart === 0 ? '-' : humanBytes(s.maxMemoryRestart)],
    ['instance var', s.incrementVar === null ? s.instanceVar : `${s.instanceVar} (increment ${s.incrementVar})`],
    ['out log', s.logs.out],
    ['err log', s.logs.err],
    ['combined log', s.logs.combined ?? '-'],
    [
      'log options',
      `format ${s.logs.format}${timestamps(s.logs)}, rotate at ${humanBytes(s.logs.maxSize)}, keep ${s.logs.retain}${s.logs.compress ? ' gzipped' : ''}`,
    ],
    ...triggerLines(app),
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  let out = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
  if (app.workers.length === 0) return out + '\nno workers running\n';
  out += '\nworkers:\n';
  for (const w of sortedWorkers(app.workers)) {
    out += `  #${instanceLabel(w)}  pid ${w.pid ?? '-'}  ${paintStatus(w.status)}  started ${isoTime(w.startedAt)}  restarts ${w.restarts}\n`;
    out += `      last exit: ${exitText(w.lastExit)}\n`;
    const reason = reasonText(w, now);
    if (reason !== null) out += `      reason: ${reason}\n`;
  }
  return out;
}
