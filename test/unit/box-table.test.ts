// `ls` renders its table without cli-table3 (cost: bench/PROFILE.md §2);
// the output must stay byte for byte what cli-table3 printed.
import Table from 'cli-table3';
import { renderBoxTable } from '../../src/cli/render/box-table';
import { HEAD, appRows } from '../../src/cli/render/table';
import { loadChalk } from '../../src/cli/render/chalk';
import type { AppInfo, WorkerInfo } from '../../src/protocol/types';

function cliTable3(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 } });
  for (const r of rows) t.push(r);
  return t.toString();
}

const chalk = loadChalk();
const paint = [chalk.green, chalk.red, chalk.yellow, (s: string) => s];

function worker(instance: number, status: WorkerInfo['status'], pid: number | null): WorkerInfo {
  return {
    instance,
    pid,
    status,
    restarts: instance * 3,
    startedAt: pid === null ? null : 1000,
    cpu: pid === null ? null : instance * 7.3,
    memory: pid === null ? null : 40e6 + instance * 1e7,
    lastExit: null,
    reason: null,
  };
}

test('byte-identical to cli-table3 for ls rows: 1 to 100 rows, coloured statuses, long and short names', () => {
  for (const n of [1, 2, 7, 100]) {
    const rows: string[][] = [];
    for (let i = 0; i < n; i++) {
      const name = i % 5 === 0 ? `a-much-longer-app.name_${i}` : `app${i}`;
      const status = paint[i % paint.length](['online', 'errored', 'waiting-restart', 'stopped'][i % 4]);
      rows.push([
        name,
        String(i),
        i % 3 ? String(10000 + i * 37) : '-',
        status,
        String(i),
        `${i}m`,
        `${i}%`,
        '45.2 MB',
      ]);
    }
    expect(renderBoxTable(HEAD, rows)).toBe(cliTable3(HEAD, rows));
  }
});

test('byte-identical to cli-table3 for the rows appRows makes of apps', () => {
  const cluster = { execMode: 'cluster' };
  const apps = [
    { name: 'web', status: 'online', spec: cluster, workers: [worker(0, 'online', 101), worker(1, 'launching', 102)] },
    { name: 'queue-consumer.v2', status: 'stopped', spec: { execMode: 'fork' }, workers: [] },
    {
      name: 'x',
      status: 'errored',
      spec: cluster,
      workers: [worker(0, 'errored', null), worker(3, 'waiting-restart', null)],
    },
  ] as unknown as AppInfo[];
  const rows = appRows(apps, 1000 + 3_600_000);
  expect(renderBoxTable(HEAD, rows)).toBe(cliTable3(HEAD, rows));
});

test('a header wider than every cell sets the column width', () => {
  expect(renderBoxTable(['restarts'], [['1']])).toBe(cliTable3(['restarts'], [['1']]));
});

test('names with spaces, accents, wide characters and emoji line up as in cli-table3', () => {
  const names = ['NearBy Server', 'café', 'e\u0301t\u00e9', '日本語 api', 'coffee ☕', 'web'];
  const rows = names.map((n, i) => [
    n,
    String(i),
    '-',
    i % 2 ? chalk.green('online') : 'stopped',
    '0',
    '1m',
    '0%',
    '1 MB',
  ]);
  expect(renderBoxTable(HEAD, rows)).toBe(cliTable3(HEAD, rows));
});
