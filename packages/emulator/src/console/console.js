// @ts-check
/**
 * The console's browser script, served at its own path so the page's Content-Security-Policy can forbid inline
 * script. It polls the JSON control surface and builds every node with `textContent`: claims come from untrusted
 * assertions, so nothing received is ever parsed as HTML. The build type-checks it against the DOM
 * (`tsconfig.console.json`) and copies it to `dist/console/`.
 */
'use strict';
(() => {
  /** @typedef {any} Json JSON read from the control surface, whose shape the emulator's tests pin. */
  const CONTROL = '/_emulator';
  const INITIAL_ENTRIES = 500;
  const MAX_ROWS = 1000;
  const MAX_TOKENS = 50;
  const MAX_TEXT = 2000;
  const POLL_MS = 1000;
  const STATE_MS = 3000;
  const STATUSES = ['ENABLED', 'DISABLED', 'DEACTIVATED'];

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const logEl = $('log');
  const view = {
    lastSeq: 0,
    paused: false,
    /** @type {string | undefined} */
    seedClientId: undefined,
    skewMs: 0,
    offsetMs: 0,
    stateAt: 0,
    stateKey: '',
    pendingKey: '',
    /** @type {Map<number, any>} the entries of the rows on the page, by seq */
    entries: new Map(),
    /** @type {Map<string, any>} tokens seen issued, oldest first */
    tokens: new Map(),
  };

  // Every node is built here from text: nothing received is ever parsed as HTML.
  /** @param {unknown} text */
  function clip(text) {
    const value = String(text);
    return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) + '… (' + (value.length - MAX_TEXT) + ' more characters)' : value;
  }
  /**
   * @param {string} tag
   * @param {string | null} [className]
   * @param {unknown} [text]
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = clip(text);
    return node;
  }
  /**
   * @param {number} n
   * @param {number} [width]
   */
  const pad = (n, width) => String(n).padStart(width || 2, '0');
  const show = (/** @type {unknown} */ value) => (value === undefined ? 'undefined' : JSON.stringify(value));
  const emulatorNow = () => Date.now() + view.skewMs;
  /** @param {number} ms */
  function clockTime(ms) {
    const d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  /** @param {string} iso */
  function logTime(iso) {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? String(iso) : clockTime(ms) + '.' + pad(new Date(ms).getMilliseconds(), 3);
  }
  /** @param {string} id */
  function shortId(id) {
    const text = String(id);
    return text.length > 14 ? text.slice(0, 10) + '…' : text;
  }
  /** @param {number} seconds */
  function duration(seconds) {
    const s = Math.round(Math.abs(seconds));
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.floor(s / 60) + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
    if (s < 172800) return Math.floor(s / 3600) + ' h' + (Math.floor(s / 60) % 60 ? ' ' + (Math.floor(s / 60) % 60) + ' min' : '');
    return Math.floor(s / 86400) + ' days';
  }
  /** @param {number} seconds */
  function countdown(seconds) {
    const s = Math.ceil(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor(s / 60) % 60;
    return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
  }
  /** @param {number} ms */
  function describeOffset(ms) {
    if (!ms) return 'real time';
    return duration(ms / 1000) + (ms > 0 ? ' ahead' : ' behind');
  }
  const plural = (/** @type {number} */ n, /** @type {string} */ word) => n + ' ' + word + (n === 1 ? '' : 's');

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function call(method, path, body) {
    /** @type {RequestInit & { headers: Record<string, string> }} */
    const init = { method, cache: 'no-store', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      // JSON is what the control surface requires of writes: a cross-site form cannot send it.
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(CONTROL + path, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data && typeof data.message === 'string' ? data.message : 'HTTP ' + response.status);
    return data;
  }

  /**
   * @param {string} state
   * @param {string} text
   */
  function setConnection(state, text) {
    const conn = $('conn');
    // Unchanged text is left alone, so that screen readers do not announce "Live" every second.
    if (conn.dataset.state === state && conn.textContent === text) return;
    conn.dataset.state = state;
    conn.textContent = text;
  }

  // ---- the request log

  /** @param {Json} entry */
  function tone(entry) {
    if (entry.fault || entry.status === 0) return 'fault';
    return entry.status >= 400 ? 'bad' : 'ok';
  }
  /** @param {Json} entry */
  function kindOf(entry) {
    const endpoint = String(entry.endpoint);
    if (endpoint === 'token' || endpoint.startsWith('token:')) return 'exchange';
    if (endpoint === 'keys' || endpoint === 'introspect' || endpoint === 'revoke') return 'auth';
    return 'resource';
  }

  /** @param {Json} entry */
  function summaryOf(entry) {
    const span = el('span', 'summary');
    if (entry.failedRule) {
      const failed = (entry.rules || []).find((/** @type {Json} */ r) => r.ok === false);
      span.append(el('b', null, '✗ ' + entry.failedRule), ': ' + clip(failed ? failed.fix || failed.detail : ''));
    } else if (entry.issued) {
      span.append('✓ issued ' + shortId(entry.issued.jti) + ' · ' + clip((entry.issued.scopes || []).join(' ')));
    } else if (entry.fault) {
      span.append('Injected fault: ' + entry.fault);
    } else if (entry.message) {
      span.append(clip(entry.message));
    } else if (entry.presentedToken && entry.presentedToken.jti) {
      const presented = entry.presentedToken;
      span.append('with token ' + shortId(presented.jti) + (presented.serviceAccountId ? ' of service account ' + presented.serviceAccountId : ''));
    } else {
      return null;
    }
    span.title = span.textContent || '';
    return span;
  }

  /** @param {Json} entry */
  function row(entry) {
    const article = el('article', 'entry ' + tone(entry));
    article.dataset.seq = String(entry.seq);
    article.dataset.requestId = String(entry.requestId);
    article.dataset.endpoint = String(entry.endpoint);
    article.dataset.kind = kindOf(entry);
    article.dataset.outcome = String(entry.outcome);
    if (entry.failedRule) article.dataset.failedRule = String(entry.failedRule);
    const head = el('button', 'entry-head');
    head.setAttribute('type', 'button');
    head.setAttribute('aria-expanded', 'false');
    const endpoint = el('span', 'endpoint', entry.endpoint);
    endpoint.title = entry.method + ' ' + entry.path;
    const client = el('span', 'client', entry.clientId ? shortId(entry.clientId) : '');
    if (entry.clientId) client.title = 'client ' + entry.clientId;
    head.append(
      el('span', 'time', logTime(entry.time)),
      endpoint,
      el('span', 'code', entry.status === 0 ? 'none' : entry.status),
      el('span', 'pill outcome', entry.outcome),
      client,
    );
    const summary = summaryOf(entry);
    if (summary) head.append(summary);
    article.append(head);
    return article;
  }

  /**
   * @param {string} title
   * @param {Node} content
   */
  function section(title, content) {
    const wrap = el('div', 'section');
    wrap.append(el('h3', null, title), content);
    return wrap;
  }

  /** @param {Json[][]} rows [name, value, note?] */
  function table(rows) {
    const tableEl = el('table', 'kv');
    const body = el('tbody');
    for (const [name, value, note] of rows) {
      const tr = el('tr');
      const td = el('td', null, value);
      if (note) td.append(el('span', 'note', note));
      tr.append(el('th', null, name), td);
      body.append(tr);
    }
    tableEl.append(body);
    return tableEl;
  }

  /** A NumericDate claim, told as a date and relative to the request. */
  /**
   * @param {string} name
   * @param {unknown} value
   * @param {Json} entry
   */
  function timeNote(name, value, entry) {
    if (!['exp', 'iat', 'nbf'].includes(name) || typeof value !== 'number' || !(Math.abs(value) < 8e12)) return undefined;
    const delta = value - Date.parse(entry.time) / 1000;
    const when = new Date(value * 1000).toISOString().replace('.000Z', 'Z');
    return when + ' · ' + (Math.abs(delta) < 1 ? 'at the request' : duration(delta) + (delta > 0 ? ' after the request' : ' before the request'));
  }

  /**
   * @param {Json} object
   * @param {Json} entry
   */
  function decoded(object, entry) {
    if (object === null || typeof object !== 'object') return table([['value', show(object)]]);
    return table(Object.keys(object).map((name) => [name, show(object[name]), timeNote(name, object[name], entry)]));
  }

  /** @param {Json} entry */
  function verdict(entry) {
    const wrap = el('div', 'section');
    const failed = entry.rules.find((/** @type {Json} */ r) => r.ok === false);
    const line = el('p', 'verdict ' + (failed ? 'fail' : 'pass'));
    if (failed) line.append('✗ Rejected by the ', el('code', null, failed.rule), ' rule; the rules after it were not checked.');
    else line.append('✓ Every rule passed.');
    wrap.append(el('h3', null, 'Assertion rules'), line);
    if (failed && entry.message) {
      wrap.append(el('p', 'aps-said', 'The client only sees ' + entry.status + ' ' + entry.outcome + ': “' + entry.message + '”'));
    }
    const list = el('ol', 'rules');
    for (const rule of entry.rules) {
      const state = rule.ok === true ? 'pass' : rule.ok === false ? 'fail' : 'skip';
      const item = el('li', 'rule ' + state);
      item.dataset.rule = String(rule.rule);
      item.dataset.ok = String(rule.ok);
      const icon = el('span', 'icon', state === 'pass' ? '✓' : state === 'fail' ? '✗' : '–');
      icon.title = state === 'pass' ? 'passed' : state === 'fail' ? 'failed' : 'not checked';
      item.append(icon, el('span', 'rule-name', rule.rule), el('span', 'rule-detail', rule.detail));
      if (rule.fix) {
        const fix = el('p', 'fix');
        fix.append(el('b', null, 'How to fix: '), clip(rule.fix));
        item.append(fix);
      }
      list.append(item);
    }
    wrap.append(list);
    return wrap;
  }

  /** @param {Json} entry */
  function facts(entry) {
    const issued = entry.issued;
    const presented = entry.presentedToken;
    const rows = [
      ['request', entry.method + ' ' + entry.path],
      ['x-request-id', entry.requestId],
      ['time', entry.time],
      ['answer', entry.status === 0 ? 'none (' + entry.outcome + ')' : entry.status + ' ' + entry.outcome],
      ['message', entry.message],
      ['client', entry.clientId],
      ['grant_type', entry.grant],
      ['fault', entry.fault],
      [
        'issued',
        issued &&
          [issued.jti, issued.serviceAccountId ? 'service account ' + issued.serviceAccountId : '2-legged', (issued.scopes || []).join(' '), 'expires ' + issued.expiresAt].join(' · '),
      ],
      [
        'token',
        presented &&
          [presented.jti, presented.serviceAccountId && 'service account ' + presented.serviceAccountId, presented.clientId && 'client ' + presented.clientId]
            .filter(Boolean)
            .join(' · '),
      ],
    ];
    return table(rows.filter((r) => r[1] !== undefined && r[1] !== null && r[1] !== ''));
  }

  /** @param {Json} entry */
  function details(entry) {
    const body = el('div', 'entry-body');
    if (Array.isArray(entry.rules)) body.append(verdict(entry));
    if (entry.assertion) {
      const cols = el('div', 'cols');
      cols.append(
        section('Assertion header', decoded(entry.assertion.header, entry)),
        section('Assertion claims (the signature is not shown)', decoded(entry.assertion.claims, entry)),
      );
      body.append(cols);
    }
    body.append(section('Request', facts(entry)));
    return body;
  }

  function updateCount() {
    const count = logEl.childElementCount;
    $('log-count').textContent = count ? '(' + count + ')' : '';
    $('log-empty').hidden = count > 0;
  }

  /** @param {Json[]} entries */
  function addEntries(entries) {
    const fragment = document.createDocumentFragment();
    for (const entry of entries) {
      if (entry.seq <= view.lastSeq) continue;
      view.lastSeq = entry.seq;
      view.entries.set(entry.seq, entry);
      trackToken(entry);
      fragment.prepend(row(entry));
    }
    logEl.prepend(fragment);
    while (logEl.childElementCount > MAX_ROWS) {
      const oldest = /** @type {HTMLElement} */ (logEl.lastElementChild);
      view.entries.delete(Number(oldest.dataset.seq));
      oldest.remove();
    }
    updateCount();
    renderTokens();
  }

  logEl.addEventListener('click', (event) => {
    const head = /** @type {Element} */ (event.target).closest('.entry-head');
    if (!head || !head.parentElement) return;
    const article = head.parentElement;
    const open = !article.classList.contains('open');
    article.classList.toggle('open', open);
    head.setAttribute('aria-expanded', String(open));
    const body = /** @type {HTMLElement | null} */ (article.querySelector(':scope > .entry-body'));
    if (body) {
      body.hidden = !open;
    } else if (open) {
      const entry = view.entries.get(Number(article.dataset.seq));
      if (entry) article.append(details(entry));
    }
  });

  // ---- tokens issued, and the calls made with them

  /** @param {Json} entry */
  function trackToken(entry) {
    if (entry.issued && entry.issued.jti) {
      view.tokens.set(entry.issued.jti, {
        jti: entry.issued.jti,
        serviceAccountId: entry.issued.serviceAccountId,
        clientId: entry.clientId,
        scopes: entry.issued.scopes || [],
        expiresAt: Date.parse(entry.issued.expiresAt),
        revoked: false,
        calls: 0,
        last: '',
      });
      const oldest = view.tokens.keys().next().value;
      if (view.tokens.size > MAX_TOKENS && oldest !== undefined) view.tokens.delete(oldest);
    }
    const jti = entry.presentedToken && entry.presentedToken.jti;
    const token = jti ? view.tokens.get(jti) : undefined;
    if (!token) return;
    if (entry.endpoint === 'revoke') {
      if (entry.outcome === 'ok') token.revoked = true;
    } else if (entry.endpoint !== 'introspect') {
      token.calls += 1;
      token.last = entry.endpoint + ' → ' + (entry.status || 'none') + ' ' + entry.outcome;
    }
  }

  /** @param {Json} token */
  function tokenItem(token) {
    const item = el('li', 'token');
    item.dataset.jti = token.jti;
    const top = el('div', 'token-top');
    const jti = el('span', 'jti', token.jti);
    jti.title = token.jti;
    const left = el('span', 'left');
    left.dataset.expires = String(token.expiresAt);
    if (token.revoked) left.dataset.revoked = 'true';
    top.append(jti, left);
    const scopes = el('div', 'scopes');
    for (const scope of token.scopes) scopes.append(el('span', 'scope', scope));
    item.append(
      top,
      el('div', 'muted', token.serviceAccountId ? 'service account ' + token.serviceAccountId : '2-legged, client ' + shortId(token.clientId || '?')),
      scopes,
    );
    if (token.calls) item.append(el('div', 'muted', plural(token.calls, 'call') + ', last: ' + token.last));
    return item;
  }

  function renderTokens() {
    const items = [...view.tokens.values()].reverse().map(tokenItem);
    $('tokens').replaceChildren(...items);
    $('tokens-empty').hidden = items.length > 0;
    tick();
  }

  function tick() {
    const now = emulatorNow();
    for (const left of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#tokens .left'))) {
      const seconds = (Number(left.dataset.expires) - now) / 1000;
      const dead = left.dataset.revoked === 'true' || seconds <= 0;
      left.textContent = left.dataset.revoked === 'true' ? 'revoked' : seconds <= 0 ? 'expired' : countdown(seconds) + ' left';
      left.className = dead ? 'left gone' : seconds < 300 ? 'left soon' : 'left';
      left.closest('.token')?.classList.toggle('dead', dead);
    }
    $('clock-offset-hint').textContent = 'Emulator time ' + clockTime(now) + ' (' + describeOffset(view.offsetMs) + ').';
  }

  // ---- state, settings and faults

  /** @param {string} status */
  function badge(status) {
    const node = el('span', 'badge', status);
    if (STATUSES.includes(status)) node.classList.add(status);
    return node;
  }

  /** @param {Json} account */
  function accountBox(account) {
    const box = el('div', 'account');
    box.dataset.serviceAccountId = account.serviceAccountId;
    const head = el('div', 'account-head');
    head.append(el('span', 'account-name', account.name || account.email), badge(account.status));
    const keys = el('ul', 'keys');
    for (const key of account.keys || []) {
      const item = el('li');
      item.dataset.kid = key.kid;
      const kid = el('span', 'mono', key.kid);
      kid.title = 'created ' + key.createdAt + (key.accessedAt ? ', last used ' + key.accessedAt : ', never used');
      item.append(kid, badge(key.status));
      keys.append(item);
    }
    if (!keys.childElementCount) keys.append(el('li', 'none', 'No keys.'));
    box.append(head, el('div', 'mono muted', account.serviceAccountId), el('div', 'muted', 'last token: ' + (account.accessedAt || 'never')), keys);
    return box;
  }

  /** @param {Json} state */
  function renderState(state) {
    const boxes = state.apps.map((/** @type {Json} */ app) => {
      const box = el('div', 'app');
      const head = el('div', 'app-head');
      head.append(el('span', 'app-name', app.name));
      if (app.clientId === state.seed.clientId) head.append(el('span', 'badge seed', 'seed'));
      box.append(head, el('div', 'mono muted', 'client ' + app.clientId));
      for (const account of app.serviceAccounts) box.append(accountBox(account));
      if (!app.serviceAccounts.length) box.append(el('p', 'none', 'No service accounts.'));
      return box;
    });
    $('state').replaceChildren(...(boxes.length ? boxes : [el('p', 'none', 'No apps.')]));
    $('env-hint').textContent = [
      'APS_BASE_URL=' + location.origin,
      'APS_CLIENT_ID=' + state.seed.clientId,
      'APS_SA_ID=' + state.seed.serviceAccountId,
      'APS_SA_KEY_ID=' + state.seed.keyId,
      '# APS_CLIENT_SECRET, APS_SA_PRIVATE_KEY: from --write-env or emulator.seed.env',
    ].join('\n');
  }

  /**
   * @param {string} id
   * @param {number} value
   */
  function setInput(id, value) {
    const input = /** @type {HTMLInputElement} */ ($(id));
    if (document.activeElement !== input) input.value = String(value);
  }

  /** @param {Json} settings */
  function renderSettings(settings) {
    view.offsetMs = settings.clockOffsetMs;
    setInput('clock-offset', Math.round(settings.clockOffsetMs / 1000));
    setInput('token-lifetime', settings.tokenLifetime);
    setInput('rate-limit', settings.rateLimit);
    const chips = [
      ['clock: ' + describeOffset(settings.clockOffsetMs), settings.clockOffsetMs !== 0],
      ['tokens: ' + settings.tokenLifetime + ' s', settings.tokenLifetime !== 3599],
      ['rate limit: ' + (settings.rateLimit ? settings.rateLimit + '/min' : 'off'), settings.rateLimit !== 10],
    ];
    $('settings-summary').replaceChildren(...chips.map(([text, changed]) => el('li', changed ? 'changed' : '', text)));
  }

  /** @param {Json[]} pending */
  function renderPending(pending) {
    const items = pending.map((/** @type {Json} */ fault) => {
      const item = el('li');
      item.dataset.kind = fault.kind;
      item.append(el('span', null, fault.kind + (fault.status ? ' (' + fault.status + ')' : '') + ' → ' + fault.endpoint), el('span', null, '× ' + fault.remaining));
      return item;
    });
    $('pending').replaceChildren(...(items.length ? items : [el('li', 'none', 'No fault pending.')]));
  }

  function resetView() {
    logEl.replaceChildren();
    view.entries.clear();
    view.tokens.clear();
    view.lastSeq = 0;
    updateCount();
    renderTokens();
  }

  async function refreshState() {
    const [state, faults, clock, newest] = await Promise.all([
      call('GET', '/state'),
      call('GET', '/faults'),
      call('GET', '/clock'),
      call('GET', '/requests?limit=1'),
    ]);
    view.stateAt = Date.now();
    view.skewMs = Date.parse(clock.now) - Date.now();
    // A restarted emulator (another seed, or the same one from a state file) numbers its log from 1 again.
    const newestSeq = newest.requests.length ? newest.requests[0].seq : 0;
    if ((view.seedClientId !== undefined && view.seedClientId !== state.seed.clientId) || newestSeq < view.lastSeq) resetView();
    view.seedClientId = state.seed.clientId;
    renderSettings(state.settings);
    const stateKey = JSON.stringify([state.seed, state.apps]);
    if (stateKey !== view.stateKey) {
      view.stateKey = stateKey;
      renderState(state);
    }
    const pendingKey = JSON.stringify(faults.pending);
    if (pendingKey !== view.pendingKey) {
      view.pendingKey = pendingKey;
      renderPending(faults.pending);
    }
    tick();
  }

  async function poll() {
    try {
      if (!document.hidden) {
        if (!view.paused) {
          const query = view.lastSeq === 0 ? '?limit=' + INITIAL_ENTRIES : '?since=' + view.lastSeq;
          const data = await call('GET', '/requests' + query);
          if (data.requests.length) {
            addEntries(data.requests);
            view.stateAt = 0;
          }
        }
        if (Date.now() - view.stateAt >= STATE_MS) await refreshState();
        setConnection(view.paused ? 'paused' : 'live', view.paused ? 'Paused' : 'Live');
      }
    } catch {
      setConnection('offline', 'Emulator unreachable, retrying…');
    }
    setTimeout(poll, POLL_MS);
  }

  // ---- controls

  /**
   * @param {HTMLButtonElement | null} button
   * @param {string} messageId
   * @param {() => Promise<string>} action
   */
  async function act(button, messageId, action) {
    const message = $(messageId);
    if (button) button.disabled = true;
    try {
      message.textContent = await action();
      message.className = 'msg done';
      await refreshState();
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
      message.className = 'msg error';
    } finally {
      if (button) button.disabled = false;
    }
  }

  /** @param {string} id */
  function numberIn(id) {
    const value = /** @type {HTMLInputElement} */ ($(id)).value.trim();
    const number = Number(value);
    if (value === '' || !Number.isFinite(number)) throw new Error('Enter a number.');
    return number;
  }

  $('fault-buttons').addEventListener('click', (event) => {
    const button = /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (event.target).closest('button[data-fault]'));
    if (!button) return;
    act(button, 'fault-msg', async () => {
      const spec = Object.assign(JSON.parse(button.dataset.fault || '{}'), {
        count: numberIn('fault-count'),
        endpoint: /** @type {HTMLSelectElement} */ ($('fault-endpoint')).value,
      });
      const fault = await call('POST', '/faults', spec);
      const label = button.querySelector('.fault-label');
      return 'The next ' + plural(fault.remaining, 'request') + ' to ' + fault.endpoint + ' will get: ' + (label ? label.textContent : fault.kind) + '.';
    });
  });
  $('fault-form').addEventListener('submit', (event) => event.preventDefault());
  $('clear-faults').addEventListener('click', (event) =>
    act(/** @type {HTMLButtonElement} */ (event.currentTarget), 'fault-msg', async () => {
      await call('DELETE', '/faults');
      return 'Every pending fault was cleared.';
    }),
  );

  /**
   * @param {string} formId
   * @param {() => Promise<string>} action
   */
  function onSubmit(formId, action) {
    $(formId).addEventListener('submit', (event) => {
      event.preventDefault();
      const submitter = /** @type {SubmitEvent} */ (event).submitter;
      act(/** @type {HTMLButtonElement | null} */ (submitter), 'settings-msg', action);
    });
  }
  const setOffset = async (/** @type {number} */ offsetMs) => 'Emulator clock: ' + describeOffset((await call('PUT', '/clock', { offsetMs })).offsetMs) + '.';
  onSubmit('clock-offset-form', () => setOffset(numberIn('clock-offset') * 1000));
  onSubmit('token-lifetime-form', async () => {
    const { seconds } = await call('PUT', '/token-lifetime', { seconds: numberIn('token-lifetime') });
    return 'Tokens issued from now on expire after ' + seconds + ' s.';
  });
  onSubmit('rate-limit-form', async () => {
    const { perMinute } = await call('PUT', '/rate-limit', { perMinute: numberIn('rate-limit') });
    return perMinute ? 'Rate limit: ' + perMinute + ' jwt-bearer requests per minute per client.' : 'Rate limiting is off.';
  });
  $('clock-chips').addEventListener('click', (event) => {
    const button = /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (event.target).closest('button'));
    if (!button) return;
    act(button, 'settings-msg', async () => {
      if (button.hasAttribute('data-clock-reset')) return setOffset(0);
      const { offsetMs } = await call('GET', '/clock');
      return setOffset(offsetMs + Number(button.dataset.clockAdd) * 1000);
    });
  });

  $('filter').addEventListener('change', () => {
    logEl.dataset.filter = /** @type {HTMLSelectElement} */ ($('filter')).value;
  });
  $('pause').addEventListener('click', () => {
    view.paused = !view.paused;
    $('pause').textContent = view.paused ? 'Resume' : 'Pause';
    setConnection(view.paused ? 'paused' : 'live', view.paused ? 'Paused' : 'Live');
  });
  $('clear-view').addEventListener('click', () => {
    logEl.replaceChildren();
    view.entries.clear();
    updateCount();
  });

  $('base-url').textContent = location.origin;
  $('env-hint').textContent = 'APS_BASE_URL=' + location.origin;
  updateCount();
  renderTokens();
  setInterval(tick, 1000);
  poll();
})();
