/** The dashboard page (dashboard.html beside this module, copied to dist by the build), read once. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let page: string | null = null;

export function dashboardHtml(): string {
  page ??= readFileSync(join(__dirname, 'dashboard.html'), 'utf8');
  return page;
}
