/**
 * How `ls`, `describe` and monit word a worker row, at a fixed `now`: the
 * restart countdown counted from `restartAt` when printed, the text of an
 * older primary (no `restartAt`) shown as sent, and the extra rows of an
 * instance during a replacement labelled and kept in order.
 */
import { appRows, renderAppTable, workerNotes } from '../../src/cli/render/table';
import { renderDescribe } from '../../src/cli/render/describe';
import { instanceLabel, reasonText } from '../../src/cli/render/worker-text';
import { defaultSpec } from '../../src/config/defaults';
import type { AppInfo, WorkerInfo } from '../../src/protocol/types';

const NOW = 2_000_000;

function worker(instance: number, extra: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    instance,
    pid: 100 + instance,
    status: 'online',
    restarts: 0,
    startedAt: NOW - 5000,
    cpu: 1,
    memory: 50e6,
    lastExit: null,
    reason: null,
    ...extra,
  };
}

function app(workers: WorkerInfo[]): AppInfo {
  return {
    name: 'web',
    status: 'online',
    primaryPid: 1,
    spec: defaultSpec('/tmp/h', 'web', '/srv/app.js', '/srv', {}),
    workers,
    createdAt: 0,
    watch: null,
    cron: null,
  };
}

const waiting = worker(0, {
  pid: null,
  status: 'waiting-restart',
  startedAt: null,
  reason: 'exited with code 1',
  restartAt: NOW + 1500,
});

describe('the restart countdown is counted when printed', () => {
  test('from restartAt: the time left, then "now"', () => {
    expect(reasonText(waiting, NOW)).toBe('exited with code 1; restarting in 1500 ms');
    expect(reasonText(waiting, NOW + 1000)).toBe('exited with code 1; restarting in 500 ms');
    expect(reasonText(waiting, NOW + 1499.5)).toBe('exited with code 1; restarting in 1 ms');
    expect(reasonText(waiting, NOW + 1500)).toBe('exited with code 1; restarting now');
    expect(reasonText(waiting, NOW + 9000)).toBe('exited with code 1; restarting now');
  });

  test('a primary of an earlier build: no restartAt, its own text shown as sent', () => {
    const old = { ...waiting, reason: 'exited with code 1; restarting in 800 ms' };
    delete old.restartAt;
    expect(reasonText(old, NOW + 5000)).toBe('exited with code 1; restarting in 800 ms');
  });

  test('other statuses: the reason unchanged', () => {
    expect(reasonText(worker(0, { status: 'errored', reason: 'crash loop' }), NOW)).toBe('crash loop');
    expect(reasonText(worker(0), NOW)).toBeNull();
  });

  test('ls notes and describe use the time they are given', () => {
    expect(workerNotes([app([waiting])], NOW + 250)).toEqual([
      'web #0 waiting-restart: exited with code 1; restarting in 1250 ms',
    ]);
    expect(renderDescribe(app([waiting]), NOW + 1000)).toContain('reason: exited with code 1; restarting in 500 ms');
    expect(renderAppTable([app([waiting])], NOW + 2000)).toContain('restarting now');
  });
});

describe('an instance being replaced: its extra rows', () => {
  const rows = [
    worker(1, { pid: 202, status: 'launching', startedAt: NOW - 100, role: 'replacement' }),
    worker(0),
    worker(1, { pid: 101, startedAt: NOW - 5000, role: 'serving' }),
    worker(0, { pid: 99, status: 'stopping', startedAt: NOW - 9000, role: 'retiring' }),
  ];

  test('labels: the instance, "(new)" for the replacement, "(old)" for the retiring process', () => {
    expect(instanceLabel(worker(3))).toBe('3');
    expect(instanceLabel({ instance: 3, role: 'replacement' })).toBe('3 (new)');
    expect(instanceLabel({ instance: 3, role: 'retiring' })).toBe('3 (old)');
  });

  test('ls rows: by instance, oldest process first, uptime only for the online ones', () => {
    const table = appRows([app(rows)], NOW).map((r) => [r[1], r[2], r[3], r[5]]);
    expect(table).toEqual([
      ['0 (old)', '99', 'stopping', '-'],
      ['0', '100', 'online', '5s'],
      ['1', '101', 'online', '5s'],
      ['1 (new)', '202', 'launching', '-'],
    ]);
  });

  test('the table stays aligned with the wider id cells', () => {
    const lines = renderAppTable([app(rows)], NOW)
      .split('\n')
      .filter((l) => l.startsWith('│'));
    const widths = new Set(lines.map((l) => l.length));
    expect(widths.size).toBe(1);
  });

  test('describe lists each process of the instance', () => {
    const text = renderDescribe(app(rows), NOW);
    expect(text).toMatch(/#1 {2}pid 101 {2}online/);
    expect(text).toMatch(/#1 \(new\) {2}pid 202 {2}launching/);
    expect(text).toMatch(/#0 \(old\) {2}pid 99 {2}stopping/);
  });
});
