import { ENDPOINTS } from '../control/endpoints.js';
import type { FaultKind, FaultSpec } from '../control/faults.js';

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

/** The console's page: its shell `console.html` with the fault targets and buttons filled in. */
export function renderConsolePage(shell: string): string {
  return shell.replace('<!-- fault-targets -->', () => targetOptions()).replace('<!-- fault-buttons -->', () => faultButtons());
}
