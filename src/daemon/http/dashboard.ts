/**
 * The dashboard page served at `/`: one HTML document with its CSS and
 * script inline, nothing fetched from elsewhere (no CDN), so it works
 * offline and under a strict CSP. It holds no data: it reads the token from
 * location.hash and sends it as a Bearer header (EventSource cannot send
 * headers, so the SSE streams are read with fetch()).
 */
import { DASHBOARD_SCRIPT } from './dashboard-script';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #1d2330; background: #f6f7f9; }
h1 { font-size: 1.3em; margin: 0 0 .2em; } #conn { color: #667; font-size: .9em; }
table { border-collapse: collapse; background: #fff; margin-top: 1em; min-width: 70em; }
th, td { padding: .35em .7em; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: middle; }
th { background: #eef0f3; font-weight: 600; }
tr.app td { background: #fafbfc; font-weight: 600; border-top: 2px solid #d6dae0; }
.st { padding: .1em .5em; border-radius: .8em; color: #fff; font-size: .85em; }
.st-online { background: #1f9d55; } .st-launching, .st-reloading { background: #3b82c4; }
.st-stopping, .st-waiting-restart, .st-degraded { background: #d98a0b; }
.st-stopped { background: #8a93a0; } .st-errored { background: #cc3b3b; }
button { margin-right: .3em; font-size: .85em; cursor: pointer; }
svg.spark { vertical-align: middle; background: #f2f4f7; }
svg.spark polyline { fill: none; stroke-width: 1.5; }
#logs { margin-top: 1.2em; background: #11151c; color: #d7dde6; padding: .8em; height: 16em; overflow: auto;
  font: 12px ui-monospace, monospace; white-space: pre-wrap; }
#error { color: #cc3b3b; }
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:">
<title>clusterctl</title>
<style>${STYLE}</style>
</head>
<body>
<h1>clusterctl</h1>
<div id="conn">connecting…</div>
<div id="error"></div>
<table id="apps">
<thead><tr><th>app / instance</th><th>pid</th><th>status</th><th>restarts</th><th>CPU</th><th>memory</th><th>actions</th></tr></thead>
<tbody></tbody>
</table>
<h2 id="logs-title">Logs: click an app's <em>logs</em> button</h2>
<div id="logs"></div>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;

export function dashboardHtml(): string {
  return PAGE;
}
