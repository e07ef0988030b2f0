/**
 * What monit shows, apart from the log lines: the apps as the daemon last
 * pushed them, which one is selected (by name, so it survives a new event
 * where apps were added or removed), and the outcome of the last action.
 */
import type { AppInfo } from '../../protocol/types';

export type StatusKind = 'info' | 'ok' | 'error';

export interface StatusLine {
  text: string;
  kind: StatusKind;
}

export interface MonitModel {
  /** null until the daemon's first event. */
  apps: AppInfo[] | null;
  selected: string | null;
  status: StatusLine | null;
}

export function initialModel(): MonitModel {
  return { apps: null, selected: null, status: null };
}

/** New apps from the daemon: the selection stays on its app, or moves to the first when that app is gone. */
export function withApps(model: MonitModel, apps: AppInfo[]): MonitModel {
  const kept = apps.some((a) => a.name === model.selected);
  return { ...model, apps, selected: kept ? model.selected : (apps[0]?.name ?? null) };
}

/** Moves the selection `delta` apps up (negative) or down, stopping at the ends. */
export function moveSelection(model: MonitModel, delta: number): MonitModel {
  const apps = model.apps ?? [];
  if (apps.length === 0) return model;
  const at = Math.max(
    0,
    apps.findIndex((a) => a.name === model.selected),
  );
  const next = Math.min(apps.length - 1, Math.max(0, at + delta));
  return { ...model, selected: apps[next]?.name ?? null };
}

export function selectedApp(model: MonitModel): AppInfo | null {
  return model.apps?.find((a) => a.name === model.selected) ?? null;
}

export function withStatus(model: MonitModel, text: string, kind: StatusKind): MonitModel {
  return { ...model, status: { text, kind } };
}
