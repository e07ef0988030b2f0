/**
 * The dashboard in a real headless Chromium (Debian's /usr/bin/chromium,
 * driven by puppeteer-core): it reads the token from the URL fragment,
 * follows /api/events so an app started after the page loaded shows up
 * without a reload, and its reload button gives the app new pids.
 * The browser is closed, and its process killed, whatever happens.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { freePort } from '../helpers/net';
import { isAlive } from '../helpers/proc';
import { createSandbox, FIXTURES, ROOT, type Sandbox } from '../helpers/sandbox';
import { waitFor } from '../helpers/wait';
import { enableWeb } from '../helpers/web';

const CHROMIUM = '/usr/bin/chromium';

/** The one DOM property read in the page (the tests compile without the DOM lib). */
interface TextNode {
  textContent: string | null;
}
const ARTIFACTS = join(ROOT, 'test-artifacts');

let sb: Sandbox;
let browser: Browser | null = null;
let browserPid: number | undefined;
let profile: string;
let page: Page;
let url: string;

beforeAll(async () => {
  sb = createSandbox();
  profile = mkdtempSync(join(tmpdir(), 'clusterctl-chromium-'));
  const port = await freePort();
  await enableWeb(sb, port);
  url = (await sb.ok(['web', '--url'])).stdout.trim();
  await sb.ok(['start', join(FIXTURES, 'hello.js'), '-i', '2', '--name', 'first', '--env', 'PORT=0']);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  browserPid = browser.process()?.pid;
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
}, 120000);

afterAll(async () => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([browser?.close(), new Promise((r) => (timer = setTimeout(r, 5000)))]);
  } catch {
    /* killed below */
  } finally {
    clearTimeout(timer);
  }
  if (browserPid !== undefined && isAlive(browserPid)) process.kill(browserPid, 'SIGKILL');
  rmSync(profile, { recursive: true, force: true });
  await sb.cleanup();
});

async function pidsOnPage(app: string): Promise<string[]> {
  return page.$$eval(`tr.worker[data-app="${app}"] td.pid`, (cells) =>
    cells.map((c) => (c as unknown as TextNode).textContent ?? ''),
  );
}

test('an app started after the page loaded appears within 2 s; reload gives new pids on the page; screenshot', async () => {
  await page.goto(url);
  await page.waitForSelector('tr.worker[data-app="first"][data-instance="1"]', { timeout: 10000 });

  await sb.ok(['start', join(FIXTURES, 'hello.js'), '--name', 'second', '--env', 'PORT=0']);
  const started = Date.now();
  await page.waitForSelector('tr.worker[data-app="second"]', { timeout: 2000 });
  const seenAfterMs = Date.now() - started;
  process.stdout.write(`dashboard: second appeared ${String(seenAfterMs)} ms after \`start\` returned\n`);
  expect(seenAfterMs).toBeLessThan(2000);

  const before = await pidsOnPage('first');
  expect(before.every((p) => /^\d+$/.test(p))).toBe(true);
  // Clicked inside the page in one step: every event re-renders the table, so a handle found first can be stale.
  await page.$eval('button[data-action="reload"][data-app="first"]', (b) => {
    (b as unknown as { click(): void }).click();
  });
  const after = await waitFor(
    async () => {
      const now = await pidsOnPage('first');
      return now.length === 2 && now.every((p) => /^\d+$/.test(p) && !before.includes(p)) && now;
    },
    { timeoutMs: 60000, what: 'new pids on the page' },
  ).catch(async (err: unknown) => {
    // Say what the page showed: an error line from the POST, or the pids it still had.
    const shown = await page.$eval('#error', (el) => (el as unknown as TextNode).textContent ?? '');
    throw new Error(
      `${String(err)}; page error: ${JSON.stringify(shown)}; pids ${JSON.stringify(await pidsOnPage('first'))}`,
    );
  });
  const listed = (await sb.list()).find((a) => a.name === 'first')?.workers.map((w) => String(w.pid));
  expect(after.sort()).toEqual(listed?.sort());

  // The log tail of an app, following: the new workers' start lines are in it.
  await page.$eval('button[data-action="logs"][data-app="first"]', (b) => {
    (b as unknown as { click(): void }).click();
  });
  await waitFor(
    async () => /listening/.test(await page.$eval('#logs', (el) => (el as unknown as TextNode).textContent ?? '')),
    {
      timeoutMs: 10000,
      what: 'the log tail',
    },
  );

  // A few events so the sparklines have points, then the pictures.
  await waitFor(async () => (await page.$$('svg.spark polyline')).length >= 3, {
    timeoutMs: 15000,
    what: 'sparklines',
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });
}, 150000);

/** The waiting row's "restarting in N ms", or null while the row shows no countdown. */
async function countdownOn(p: Page, app: string): Promise<number | null> {
  const text = await p
    .$eval(`tr.worker[data-app="${app}"] small.reason`, (el) => (el as unknown as TextNode).textContent ?? '')
    .catch(() => '');
  const m = /restarting in (\d+) ms/.exec(text);
  return m ? Number(m[1]) : null;
}

test('a waiting row counts down live on the daemon’s clock (the browser’s an hour fast), then goes back online', async () => {
  const DELAY = 4000;
  const skewed = await (browser as Browser).newPage();
  try {
    // An hour fast: counted on this clock the restart would be long past ("restarting now") at once.
    await skewed.evaluateOnNewDocument(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 3_600_000;
    });
    await sb.ok([
      'start',
      join(FIXTURES, 'hello.js'),
      '--name',
      'waits',
      '--restart-delay',
      String(DELAY),
      '--env',
      'PORT=0',
    ]);
    await skewed.goto(url);
    await skewed.waitForSelector('tr.worker[data-app="waits"] .st-online', { timeout: 10000 });
    const victim = (await sb.list()).find((a) => a.name === 'waits')?.workers[0]?.pid;
    expect(typeof victim).toBe('number');
    process.kill(victim as number, 'SIGKILL');

    const first = await waitFor(() => countdownOn(skewed, 'waits'), {
      timeoutMs: 5000,
      intervalMs: 20,
      what: 'a countdown on the waiting row',
    });
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(DELAY);
    expect(
      await skewed.$eval('tr.worker[data-app="waits"] small.reason', (el) => (el as unknown as TextNode).textContent),
    ).toMatch(/^was killed by SIGKILL; restarting in \d+ ms$/);
    const second = await waitFor(
      async () => {
        const n = await countdownOn(skewed, 'waits');
        return n !== null && n !== first ? n : null;
      },
      { timeoutMs: 3000, intervalMs: 20, what: 'the countdown to change' },
    );
    process.stdout.write(`dashboard: countdown read ${String(first)} ms, then ${String(second)} ms\n`);
    expect(second).toBeLessThan(first);
    // While a restart is ahead the page's timer runs (a top-level binding of its script).
    expect(await skewed.evaluate('countdownTimer')).not.toBeNull();

    await skewed.waitForSelector('tr.worker[data-app="waits"] .st-online', { timeout: DELAY + 20000 });
    expect(await skewed.$('tr.worker[data-app="waits"] small[data-restart-at]')).toBeNull();
    // Nothing left to count: the timer is stopped.
    expect(await skewed.evaluate('countdownTimer')).toBeNull();
  } finally {
    await skewed.close().catch(() => undefined);
  }
}, 90000);
