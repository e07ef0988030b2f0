/**
 * The dashboard's restart countdown, as browser code the page inlines (plain
 * ES2020, no TypeScript). A waiting row's reason gets the time left, worded
 * as `clusterctl ls` words it: `restartLeftMs` and `reasonText` here are
 * copies of the ones in src/cli/render/worker-text.ts (the page cannot import
 * them), and test/unit/countdown.test.ts runs both on the same rows.
 *
 * The count is on the daemon's clock, not the browser's: the page may be
 * opened from another machine (`web --host`) whose clock is off, and
 * `restartAt` is the daemon's epoch ms. Every `apps` event on /api/events
 * comes right after a `clock` event with the daemon's time; the page keeps
 * the difference to its own clock and counts with it.
 *
 * The timer runs only while some row's restart is ahead, and it rewrites the
 * text of those rows' reason elements only: rebuilding the table that often
 * would replace the buttons under the pointer between a press and its release.
 */
export const COUNTDOWN_SCRIPT = String.raw`
const COUNTDOWN_TICK_MS = 200;
let clockOffset = 0; // the daemon's clock minus this browser's, from the last clock event
let countdownTimer = null;

function setDaemonClock(daemonNow, localNow) {
  if (typeof daemonNow === 'number' && Number.isFinite(daemonNow)) clockOffset = daemonNow - localNow;
}

function daemonNow() {
  return Date.now() + clockOffset;
}

function restartLeftMs(w, now) {
  if (w.status !== 'waiting-restart' || w.restartAt == null) return null;
  return Math.max(0, Math.ceil(w.restartAt - now));
}

function reasonText(w, now) {
  const left = restartLeftMs(w, now);
  if (left === null) return w.reason;
  const countdown = left > 0 ? 'restarting in ' + left + ' ms' : 'restarting now';
  return w.reason == null || w.reason === '' ? countdown : w.reason + '; ' + countdown;
}

// A worker row's reason; a waiting one carries what tick() needs to count it down.
function reasonCell(w, now) {
  const text = reasonText(w, now);
  if (text == null || text === '') return '';
  const waiting = restartLeftMs(w, now) !== null;
  const data = !waiting ? '' : ' data-restart-at="' + Number(w.restartAt) + '"' +
    (w.reason == null ? '' : ' data-reason="' + esc(w.reason) + '"');
  return ' <small class="reason"' + data + '>' + esc(text) + '</small>';
}

// Rewrites every waiting reason; stops the timer once no restart is ahead. Returns whether one is.
function tick() {
  const now = daemonNow();
  let ahead = false;
  for (const el of document.querySelectorAll('small[data-restart-at]')) {
    const restartAt = Number(el.dataset.restartAt);
    el.textContent = reasonText({ status: 'waiting-restart', reason: el.dataset.reason ?? null, restartAt }, now);
    if (restartAt > now) ahead = true;
  }
  if (!ahead && countdownTimer !== null) {
    clearInterval(countdownTimer);
    countdownTimer = null;
  }
  return ahead;
}

// After each render: a timer while some restart is ahead, none otherwise.
function countDown() {
  if (tick() && countdownTimer === null) countdownTimer = setInterval(tick, COUNTDOWN_TICK_MS);
}
`;
