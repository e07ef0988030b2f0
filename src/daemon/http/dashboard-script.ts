/**
 * The dashboard's script, as a string the page inlines. Plain ES2020 run by
 * the browser: it is not compiled with the daemon, so it uses no TypeScript.
 * The restart countdown (reasonCell, countDown, the daemon's clock) is ./dashboard-countdown.
 */
import { COUNTDOWN_SCRIPT } from './dashboard-countdown';

export const DASHBOARD_SCRIPT = String.raw`
'use strict';
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
const auth = { authorization: 'Bearer ' + token };
const HISTORY = 150; // points kept per worker: ~5 minutes at one event every 2 s
const history = new Map();
const $ = (s) => document.querySelector(s);
let logStream = null;
${COUNTDOWN_SCRIPT}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
}

function spark(values, max, colour) {
  const w = 110, h = 24;
  if (values.length < 2) return '<svg class="spark" width="' + w + '" height="' + h + '"></svg>';
  const top = Math.max(max, ...values) || 1;
  const pts = values.map((v, i) => (i * w / (HISTORY - 1)).toFixed(1) + ',' + (h - 1 - (v / top) * (h - 2)).toFixed(1));
  return '<svg class="spark" width="' + w + '" height="' + h + '"><polyline stroke="' + colour + '" points="' + pts.join(' ') + '"/></svg>';
}

function mb(bytes) {
  return bytes == null ? '–' : (bytes / 1048576).toFixed(1) + ' MB';
}

// An instance's serving row; a replacement coming online or a retiring process is an extra row of it.
function serving(w) {
  return !w.role || w.role === 'serving';
}

function label(w) {
  return w.role === 'replacement' ? w.instance + ' (new)' : w.role === 'retiring' ? w.instance + ' (old)' : String(w.instance);
}

function remember(apps) {
  for (const app of apps) {
    for (const w of app.workers.filter(serving)) {
      const key = app.name + '/' + w.instance;
      const h = history.get(key) || { cpu: [], mem: [] };
      if (w.cpu == null || w.memory == null) continue; // no sample yet (a worker just started)
      h.cpu.push(w.cpu);
      h.mem.push(w.memory);
      if (h.cpu.length > HISTORY) { h.cpu.shift(); h.mem.shift(); }
      history.set(key, h);
    }
  }
}

function buttons(name) {
  return ['reload', 'restart', 'stop', 'start'].map((a) =>
    '<button data-action="' + a + '" data-app="' + esc(name) + '">' + a + '</button>').join('') +
    '<button data-action="scale" data-scale="-1" data-app="' + esc(name) + '">−1</button>' +
    '<button data-action="scale" data-scale="+1" data-app="' + esc(name) + '">+1</button>' +
    '<button data-action="logs" data-app="' + esc(name) + '">logs</button>';
}

function render(apps) {
  const now = daemonNow();
  const rows = [];
  for (const app of apps) {
    rows.push('<tr class="app" data-app="' + esc(app.name) + '"><td>' + esc(app.name) + '</td><td>' + (app.primaryPid || '–') +
      '</td><td><span class="st st-' + esc(app.status) + '">' + esc(app.status) + '</span></td><td>' +
      app.workers.filter(serving).reduce((n, w) => n + w.restarts, 0) + '</td><td></td><td></td><td>' + buttons(app.name) + '</td></tr>');
    for (const w of app.workers) {
      const h = (serving(w) && history.get(app.name + '/' + w.instance)) || { cpu: [], mem: [] };
      rows.push('<tr class="worker" data-app="' + esc(app.name) + '" data-instance="' + w.instance + '"><td>&nbsp;&nbsp;#' + esc(label(w)) +
        '</td><td class="pid">' + (w.pid || '–') + '</td><td><span class="st st-' + esc(w.status) + '">' + esc(w.status) +
        '</span>' + reasonCell(w, now) + '</td><td>' + w.restarts + '</td><td>' +
        spark(h.cpu, 100, '#3b82c4') + ' ' + (w.cpu == null ? '–' : w.cpu + '%') + '</td><td>' +
        spark(h.mem, 0, '#8e44ad') + ' ' + mb(w.memory) + '</td><td></td></tr>');
    }
  }
  $('#apps tbody').innerHTML = rows.join('');
  countDown();
}

/** Reads a text/event-stream body with fetch (so the token goes in a header) and calls onEvent(name, data). */
async function stream(path, onEvent, signal) {
  const res = await fetch(path, { headers: auth, signal });
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    let cut;
    while ((cut = buf.indexOf('\n\n')) !== -1) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const ev = /^event: (.*)$/m.exec(block);
      const data = /^data: (.*)$/m.exec(block);
      if (ev && data) onEvent(ev[1], JSON.parse(data[1]));
    }
  }
}

async function follow() {
  for (;;) {
    try {
      $('#conn').textContent = 'live';
      // A clock event (the daemon's time) comes right before every apps event.
      await stream('/api/events', (name, data) => {
        if (name === 'clock') setDaemonClock(data.now, Date.now());
        if (name !== 'apps') return;
        const apps = data;
        remember(apps);
        render(apps);
        $('#conn').textContent = 'live · updated ' + new Date().toLocaleTimeString();
      });
    } catch (err) {
      $('#conn').textContent = 'disconnected (' + err.message + '); retrying';
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function showLogs(name) {
  if (logStream) logStream.abort();
  logStream = new AbortController();
  const box = $('#logs');
  box.textContent = '';
  $('#logs-title').textContent = 'Logs: ' + name + ' (following)';
  const add = (line) => {
    box.textContent += line + '\n';
    box.scrollTop = box.scrollHeight;
  };
  fetch('/api/apps/' + encodeURIComponent(name) + '/logs?lines=50', { headers: auth })
    .then((r) => r.json())
    .then((t) => (t.out || []).concat(t.err || []).forEach(add))
    .then(() => stream('/api/apps/' + encodeURIComponent(name) + '/logs?follow=1', (ev, d) => add(d.line), logStream.signal))
    .catch((err) => { if (err.name !== 'AbortError') add('[' + err.message + ']'); });
}

async function act(button) {
  const name = button.dataset.app, action = button.dataset.action;
  if (action === 'logs') return showLogs(name);
  $('#error').textContent = '';
  button.disabled = true;
  try {
    const body = action === 'scale' ? JSON.stringify(button.dataset.scale) : undefined;
    const res = await fetch('/api/apps/' + encodeURIComponent(name) + '/' + action, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    if (!res.ok) $('#error').textContent = action + ' ' + name + ': ' + ((await res.json()).error || res.status);
  } finally {
    button.disabled = false;
  }
}

document.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (b) act(b);
});
if (!token) $('#error').textContent = 'no token: open the address clusterctl web --url prints';
follow();
`;
