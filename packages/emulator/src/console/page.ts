import { ENDPOINTS } from '../endpoints.js';
import type { FaultKind, FaultSpec } from '../faults.js';

export const CONSOLE_PATH = '/_emulator/console';
export const CONSOLE_SCRIPT_PATH = `${CONSOLE_PATH}/console.js`;
export const CONSOLE_STYLE_PATH = `${CONSOLE_PATH}/console.css`;
export const CONSOLE_ICON_PATH = `${CONSOLE_PATH}/icon.svg`;

interface FaultButton {
  readonly label: string;
  readonly note: string;
  readonly title: string;
  readonly spec: Omit<FaultSpec, 'count' | 'endpoint'>;
}

/** A `Record` so that a new fault kind cannot ship without its button. */
export const FAULT_BUTTONS: Readonly<Record<FaultKind, FaultButton>> = {
  'rate-limit': {
    label: '429',
    note: 'rate limited',
    title: '429 with Retry-After: 1 and APS\'s {"developerMessage":"Quota limit exceeded."}',
    spec: { kind: 'rate-limit' },
  },
  'server-error': { label: '503', note: 'server error', title: '503 with a JSON body', spec: { kind: 'server-error', status: 503 } },
  hang: { label: 'Hang', note: 'no answer', title: 'Holds the connection open without answering', spec: { kind: 'hang' } },
  reset: { label: 'Reset', note: 'TCP reset', title: 'Destroys the connection (TCP RST)', spec: { kind: 'reset' } },
  'malformed-json': { label: 'Bad JSON', note: 'cut-off body', title: '200 application/json whose body is cut short', spec: { kind: 'malformed-json' } },
  html: { label: 'HTML', note: '502 page', title: "A gateway's text/html 502 page", spec: { kind: 'html' } },
  'missing-fields': { label: 'No token', note: '200, no token', title: '200 token body without access_token', spec: { kind: 'missing-fields' } },
};

const DEFAULT_FAULT_TARGET = 'token:jwt-bearer';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function option(value: string, label = value): string {
  const selected = value === DEFAULT_FAULT_TARGET ? ' selected' : '';
  return `<option value="${escapeHtml(value)}"${selected}>${escapeHtml(label)}</option>`;
}

function targetOptions(): string {
  const token = ENDPOINTS.filter((e) => e.startsWith('token'));
  const others = ENDPOINTS.filter((e) => !e.startsWith('token'));
  return [
    `<optgroup label="Token endpoint">${token.map((e) => option(e, e === 'token' ? 'token (every grant)' : e)).join('')}</optgroup>`,
    `<optgroup label="Other APS endpoints">${others.map((e) => option(e)).join('')}</optgroup>`,
    `<optgroup label="Everything">${option('any', 'any APS endpoint')}</optgroup>`,
  ].join('');
}

function faultButtons(): string {
  return Object.values(FAULT_BUTTONS)
    .map(
      (b) =>
        `<button type="button" class="fault" data-fault="${escapeHtml(JSON.stringify(b.spec))}" title="${escapeHtml(b.title)}">` +
        `<span class="fault-label">${escapeHtml(b.label)}</span><span class="fault-note">${escapeHtml(b.note)}</span></button>`,
    )
    .join('\n        ');
}

function settingForm(id: string, label: string, unit: string, attributes: string, hint: string): string {
  // novalidate: the emulator's own message says more than the browser's bubble.
  return `<form class="setting" id="${id}-form" novalidate>
        <div class="setting-text"><label for="${id}">${label}</label><p class="hint" id="${id}-hint">${hint}</p></div>
        <div class="field"><input id="${id}" type="number" ${attributes}><span class="unit">${unit}</span><button type="submit">Set</button></div>
      </form>`;
}

/**
 * The console's HTML shell. It holds no data: the script fills it from the JSON control surface, building every
 * node with `textContent`, so nothing from an assertion is ever parsed as HTML.
 */
export const CONSOLE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>APS emulator console</title>
<link rel="icon" href="${CONSOLE_ICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${CONSOLE_STYLE_PATH}">
<script src="${CONSOLE_SCRIPT_PATH}" defer></script>
</head>
<body>
<header class="topbar">
  <div class="brand">
    <img src="${CONSOLE_ICON_PATH}" alt="" width="28" height="28">
    <div class="brand-text">
      <h1>APS emulator console</h1>
      <p class="sub" id="base-url">Local Autodesk Platform Services authentication</p>
    </div>
  </div>
  <div class="top-right">
    <ul class="settings-summary" id="settings-summary" aria-label="Current settings"></ul>
    <p class="conn" id="conn" data-state="connecting" role="status">Connecting…</p>
  </div>
</header>
<main class="layout">
  <section class="panel log-panel" aria-labelledby="log-title">
    <div class="panel-head">
      <h2 id="log-title">Requests <span class="count" id="log-count"></span></h2>
      <div class="tools">
        <label class="sr-only" for="filter">Show</label>
        <select id="filter">
          <option value="all">All requests</option>
          <option value="exchanges">Token requests</option>
          <option value="failures">Failures only</option>
          <option value="resources">Resource calls</option>
        </select>
        <button type="button" id="pause">Pause</button>
        <button type="button" id="clear-view">Clear view</button>
      </div>
    </div>
    <div id="log" class="log" data-filter="all"></div>
    <div id="log-empty" class="empty">
      <p><strong>No requests yet.</strong> Point your app at this emulator:</p>
      <pre><code id="env-hint">APS_BASE_URL=…</code></pre>
      <p>Every token request shows up here with the verdict of each assertion rule, and the fix for the one that failed.</p>
    </div>
  </section>
  <aside class="side">
    <section class="panel" aria-labelledby="faults-title">
      <h2 id="faults-title">Fault injection</h2>
      <form class="fault-target" id="fault-form">
        <label for="fault-count">The next</label>
        <input id="fault-count" type="number" min="1" max="1000000" value="1" inputmode="numeric">
        <label for="fault-endpoint">request(s) to</label>
        <select id="fault-endpoint">${targetOptions()}</select>
      </form>
      <div class="fault-buttons" id="fault-buttons">
        ${faultButtons()}
      </div>
      <div class="pending-head"><h3>Pending</h3><button type="button" id="clear-faults">Clear faults</button></div>
      <ul id="pending" class="pending"><li class="none">No fault pending.</li></ul>
      <p id="fault-msg" class="msg" role="status"></p>
    </section>
    <section class="panel" aria-labelledby="settings-title">
      <h2 id="settings-title">Clock and settings</h2>
      ${settingForm('clock-offset', 'Clock offset', 's', 'step="1"', 'Emulator time.')}
      <div class="chips" id="clock-chips" aria-label="Move the emulator clock">
        <button type="button" data-clock-add="-300">−5 min</button>
        <button type="button" data-clock-add="300">+5 min</button>
        <button type="button" data-clock-add="3600">+1 h</button>
        <button type="button" data-clock-reset>Real time</button>
      </div>
      ${settingForm('token-lifetime', 'Token lifetime', 's', 'min="1" max="86400" step="1"', 'expires_in of new tokens.')}
      ${settingForm('rate-limit', 'Rate limit', '/min', 'min="0" step="1"', 'jwt-bearer requests per client; 0 = off.')}
      <p id="settings-msg" class="msg" role="status"></p>
    </section>
    <section class="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens issued</h2>
      <ul id="tokens" class="tokens"></ul>
      <p class="none" id="tokens-empty">None yet.</p>
    </section>
    <section class="panel" aria-labelledby="state-title">
      <h2 id="state-title">Apps, service accounts and keys</h2>
      <div id="state" class="state"></div>
      <p class="hint">Private keys and client secrets are never shown here.</p>
    </section>
  </aside>
</main>
<footer class="footer">
  <span>@aps-ssa/emulator: everything on this page is served locally.</span>
  <span>JSON for scripts: <a href="/_emulator/requests">/_emulator/requests</a>, <a href="/_emulator/state">/_emulator/state</a></span>
</footer>
</body>
</html>
`;

export const CONSOLE_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#1f5fbf"/>
<path d="M16 6l8 3.2v6.1c0 5-3.4 9.3-8 10.7-4.6-1.4-8-5.7-8-10.7V9.2z" fill="#fff" opacity=".95"/>
<path d="M12.2 16.2l2.6 2.6 5-5.2" fill="none" stroke="#1f5fbf" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
