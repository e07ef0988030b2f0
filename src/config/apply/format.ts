/**
 * The plan as the diff `apply --dry-run` prints (and `apply` prints as it
 * goes): one line per step, + start, ~ reload, ± scale, − delete, ! restart,
 * = unchanged. Options are named as a config file names them; env variables
 * by name only, never by value.
 */
import { hasChanges, onlyNamespaceChanged, type SpecChanges } from './diff';
import type { Plan, PlanAction } from './plan';

const FILE_KEY: Record<string, string> = {
  cwd: 'cwd',
  nodeArgs: 'node_args',
  interpreter: 'interpreter',
  killTimeout: 'kill_timeout',
  stopSignal: 'stop_signal',
  waitReady: 'wait_ready',
  listenTimeout: 'listen_timeout',
  minUptime: 'min_uptime',
  maxRestarts: 'max_restarts',
  restartDelay: 'restart_delay',
  expBackoffRestartDelay: 'exp_backoff_restart_delay',
  autorestart: 'autorestart',
  stopExitCodes: 'stop_exit_codes',
  maxMemoryRestart: 'max_memory_restart',
  instanceVar: 'instance_var',
  incrementVar: 'increment_var',
  scheduling: 'scheduling',
  shutdownWithMessage: 'shutdown_with_message',
  sticky: 'sticky',
  primaryGroup: 'primary_group',
  'logs.out': 'out_file',
  'logs.err': 'error_file',
  'logs.time': 'time',
  'logs.dateFormat': 'log_date_format',
  'logs.format': 'log_format',
  'logs.maxSize': 'log_max_size',
  'logs.retain': 'log_retain',
  'logs.compress': 'log_compress',
  'logs.combined': 'log_file',
};

export const SYMBOL: Record<PlanAction['kind'], string> = {
  start: '+',
  reload: '~',
  scale: '±',
  delete: '−',
  restart: '!',
  'restart-workers': '!',
  unchanged: '=',
};

/** "script, args, env (+NEW ~CHANGED -GONE), options (kill_timeout)" */
export function describeChanges(c: SpecChanges): string {
  const parts: string[] = [];
  if (c.script) parts.push('script');
  if (c.args) parts.push('args');
  const env = [
    ...c.env.added.map((k) => `+${k}`),
    ...c.env.changed.map((k) => `~${k}`),
    ...c.env.removed.map((k) => `-${k}`),
  ];
  if (env.length > 0) parts.push(`env (${env.join(' ')})`);
  if (c.options.length > 0) parts.push(`options (${c.options.map((o) => FILE_KEY[o] ?? o).join(', ')})`);
  return parts.join(', ');
}

function instances(n: number): string {
  return `${n} instance${n === 1 ? '' : 's'}`;
}

function verbAndDetail(a: PlanAction): [string, string] {
  switch (a.kind) {
    case 'start':
      return [
        'start',
        a.wasStopped
          ? `${instances(a.spec.instances)}, was stopped${a.changes ? `; ${describeChanges(a.changes)}` : ''}`
          : instances(a.spec.instances),
      ];
    case 'reload':
      if (onlyNamespaceChanged(a.changes)) return ['reload', 'options (namespace): stored, no worker replaced'];
      return ['reload', hasChanges(a.changes) ? describeChanges(a.changes) : 'no change in the file'];
    case 'restart-workers':
      return ['restart', hasChanges(a.changes) ? describeChanges(a.changes) : 'no change in the file'];
    case 'scale':
      return ['scale', `${a.from} → ${a.to}`];
    case 'restart':
      return [
        'restart',
        `${a.fields.map((f) => FILE_KEY[f] ?? f).join(', ')} changed: the app primary is replaced (stop, then start); ${describeChanges(a.changes)}`,
      ];
    case 'delete':
      return ['delete', 'not in the file'];
    case 'unchanged':
      return ['keep', a.inFile ? 'unchanged' : 'not in the file (--prune deletes it)'];
  }
}

/** One step, as printed by `--dry-run` and as `apply` reports it. */
export function formatAction(a: PlanAction, nameWidth = a.name.length): string {
  const [verb, detail] = verbAndDetail(a);
  return `${SYMBOL[a.kind]} ${verb.padEnd(7)} ${a.name.padEnd(nameWidth)}  ${detail}`.trimEnd();
}

export function summarize(plan: Plan): string {
  const count = (k: PlanAction['kind']): number => plan.actions.filter((a) => a.kind === k).length;
  const parts = [
    [count('start'), 'to start'],
    [count('reload'), 'to reload'],
    [count('scale'), 'to scale'],
    [count('restart') + count('restart-workers'), 'to restart'],
    [count('delete'), 'to delete'],
    [count('unchanged'), 'unchanged'],
  ] as const;
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(', ') || 'nothing to do'
  );
}

export function formatPlan(plan: Plan): string {
  const width = Math.max(0, ...plan.actions.map((a) => a.name.length));
  const lines = plan.actions.map((a) => formatAction(a, width));
  lines.push(`Plan: ${summarize(plan)}.`);
  return lines.join('\n') + '\n';
}
