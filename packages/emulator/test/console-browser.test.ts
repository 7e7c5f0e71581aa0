import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type RequestLogEntry } from '../src/index.js';
import { claimsFor, exchange, logEntryOf, nowSeconds, seedAssertion, signAssertion } from './support.js';

// Debian's chromium; CHROMIUM_PATH points elsewhere (or nowhere, to try the skip).
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = /^(?:true|1)$/i.test(process.env['CI'] ?? '');
const SCREENSHOTS = resolve(import.meta.dirname, '../test-results');
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const WAIT = { timeout: 15_000 };

// Locally a missing browser skips these tests; under CI=true it is a failed test, so they cannot silently stop running.
if (!HAVE_CHROMIUM && IN_CI) {
  it('finds Chromium for the console browser tests (required under CI=true)', () => {
    throw new Error(`The console browser tests need Chromium at ${CHROMIUM}, and CI=true does not let them skip: install Debian's chromium.`);
  });
} else if (!HAVE_CHROMIUM) {
  console.warn(`Skipping the console browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium to run them).`);
}

describe.skipIf(!HAVE_CHROMIUM)('the console in a real browser (Chromium)', () => {
  let browser: Browser;
  let emulator: Emulator;
  let context: BrowserContext | undefined;
  /** Script errors, console errors and dialogs of the console page: any fails the test. */
  let problems: string[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    emulator = await startEmulator({ port: 0, rateLimit: 0, console: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });
  afterEach(async () => {
    const seen = problems;
    problems = [];
    await context?.close();
    context = undefined;
    emulator.faults.clear();
    emulator.clock.setOffset(0);
    emulator.setTokenLifetime(3599);
    expect(seen).toEqual([]);
  });

  /** Opens the console; a script error, a CSP violation (a console error) or a dialog fails the test. */
  async function openConsole(viewport = LAPTOP, deviceScaleFactor = 1): Promise<Page> {
    context = await browser.newContext({ viewport, deviceScaleFactor });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Chromium logs every 4xx answer as "Failed to load resource"; some tests provoke those on purpose.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const response = await page.goto(emulator.consoleUrl!);
    expect(response?.status()).toBe(200);
    await page.locator('#conn[data-state=live]').waitFor(WAIT);
    return page;
  }

  function rowOf(page: Page, entry: RequestLogEntry) {
    return page.locator(`.entry[data-request-id="${entry.requestId}"]`);
  }

  async function expand(page: Page, entry: RequestLogEntry) {
    const row = rowOf(page, entry);
    await row.waitFor(WAIT);
    await row.locator('.entry-head').click();
    await row.locator('.entry-body').waitFor(WAIT);
    return row;
  }

  it('shows a valid exchange and the five documented invalid assertions with the verdict of every rule', async () => {
    const page = await openConsole();
    const now = nowSeconds(emulator);
    const cases: { name: string; assertion: string; failed: string | undefined }[] = [
      { name: 'valid', assertion: await seedAssertion(emulator), failed: undefined },
      { name: 'scope not an array', assertion: await seedAssertion(emulator, { scope: 'data:read user-profile:read' }), failed: 'scope' },
      {
        name: 'wrong kid',
        assertion: await signAssertion(claimsFor(emulator.seed, now), { kid: randomUUID(), privateKey: emulator.seed.privateKey }),
        failed: 'kid',
      },
      { name: 'missing claim', assertion: await seedAssertion(emulator, { sub: undefined }), failed: 'sub' },
      { name: 'exp too far', assertion: await seedAssertion(emulator, { exp: now + 3600 }), failed: 'exp' },
      { name: 'wrong aud', assertion: await seedAssertion(emulator, { aud: emulator.url }), failed: 'aud' },
    ];
    const entries: RequestLogEntry[] = [];
    for (const { name, assertion, failed } of cases) {
      const response = await exchange(emulator, assertion);
      expect(response.status, name).toBe(failed === undefined ? 200 : 400);
      entries.push(logEntryOf(emulator, response));
    }

    for (const [i, { name, assertion, failed }] of cases.entries()) {
      const entry = entries[i]!;
      const row = await expand(page, entry);
      expect(await row.getAttribute('data-failed-rule'), name).toBe(failed ?? null);
      const rules = row.locator('.rule');
      expect(await rules.evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset['rule'])), name).toEqual(entry.rules!.map((r) => r.rule));
      expect(await rules.evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset['ok'])), name).toEqual(entry.rules!.map((r) => String(r.ok)));
      // The assertion is decoded; its signature never reaches the page.
      expect(await row.locator('.entry-body').textContent()).not.toContain(assertion.split('.')[2]);
      if (failed === undefined) {
        expect(await row.locator('.rule.fail').count()).toBe(0);
        expect(await row.locator('.verdict').textContent()).toBe('✓ Every rule passed.');
        await page.locator(`#tokens .token[data-jti="${entry.issued!.jti}"]`).waitFor(WAIT);
        continue;
      }
      // Exactly one rule is highlighted, with the emulator's reason and the fix in plain words.
      const verdict = entry.rules!.find((r) => r.rule === failed)!;
      const highlighted = row.locator('.rule.fail');
      expect(await highlighted.count(), name).toBe(1);
      expect(await highlighted.getAttribute('data-rule'), name).toBe(failed);
      expect(await highlighted.locator('.rule-detail').textContent()).toBe(verdict.detail);
      expect(await highlighted.locator('.fix').textContent()).toBe(`How to fix: ${verdict.fix}`);
      expect(await row.locator('.summary').textContent()).toBe(`✗ ${failed}: ${verdict.fix}`);
      expect(await row.locator('.aps-said').textContent()).toBe("The client only sees 400 invalid_grant: “The 'assertion' is invalid.”");
    }
    // The claims are shown decoded: the wrong aud, as sent.
    const audRow = rowOf(page, entries[5]!);
    expect(await audRow.locator('.kv tr', { has: page.locator('th', { hasText: /^aud$/ }) }).locator('td').textContent()).toBe(
      JSON.stringify(emulator.url),
    );
    // The screenshot: the list, with one failure open (scope not an array) and its failed rule highlighted.
    for (const entry of entries.filter((_, i) => i !== 1)) await rowOf(page, entry).locator('.entry-head').click();
    expect(await page.locator('.entry.open').count()).toBe(1);
    expect(await page.locator('.entry-body:visible').count()).toBe(1);
    expect(await rowOf(page, entries[1]!).locator('.entry-body').isVisible()).toBe(true);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'console-laptop.png') });
  });

  it('fits a phone screen', async () => {
    await exchange(emulator, await seedAssertion(emulator, { exp: nowSeconds(emulator) + 3600 }));
    const page = await openConsole(PHONE, 2);
    const entry = emulator.requests().at(-1)!;
    await expand(page, entry);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'console-phone.png') });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'console-phone-full.png'), fullPage: true });
  });

  it('a fault button changes what the next exchange gets: click "429", then a real exchange gets 429', async () => {
    const page = await openConsole();
    // Scoped to the fault buttons: a log row's accessible name holds its time and status, which may read 429 or 503.
    await page.locator('#fault-buttons').getByRole('button', { name: '429' }).click();
    await page.locator('#pending li[data-kind="rate-limit"]').waitFor(WAIT);
    expect(await page.locator('#fault-msg').textContent()).toBe('The next 1 request to token:jwt-bearer will get: 429.');
    expect(emulator.faults.pending()).toEqual([{ kind: 'rate-limit', endpoint: 'token:jwt-bearer', remaining: 1, status: 429, retryAfter: 1 }]);

    const response = await exchange(emulator, await seedAssertion(emulator));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    const row = rowOf(page, logEntryOf(emulator, response));
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-outcome')).toBe('fault:rate-limit');
    expect((await exchange(emulator, await seedAssertion(emulator))).status).toBe(200);

    // N requests, another target; then Clear faults.
    await page.locator('#fault-count').fill('3');
    await page.locator('#fault-endpoint').selectOption('userprofile');
    await page.locator('#fault-buttons').getByRole('button', { name: '503' }).click();
    await page.locator('#pending li[data-kind="server-error"]').waitFor(WAIT);
    expect(emulator.faults.pending()).toEqual([{ kind: 'server-error', endpoint: 'userprofile', remaining: 3, status: 503 }]);
    await page.getByRole('button', { name: 'Clear faults' }).click();
    await page.locator('#pending li.none').waitFor(WAIT);
    expect(emulator.faults.pending()).toEqual([]);
  });

  it('sets the token lifetime and the clock offset', async () => {
    const page = await openConsole();
    await page.locator('#token-lifetime').fill('120');
    await page.locator('#token-lifetime-form button[type=submit]').click();
    await page.getByText('Tokens issued from now on expire after 120 s.').waitFor(WAIT);
    const response = await exchange(emulator, await seedAssertion(emulator));
    expect(await response.json()).toMatchObject({ expires_in: 120 });

    await page.getByRole('button', { name: '+5 min' }).click();
    await page.getByText('Emulator clock: 5 min ahead.').waitFor(WAIT);
    expect(emulator.clock.offset).toBe(300_000);
    await page.locator('#clock-offset').fill('-60');
    await page.locator('#clock-offset-form button[type=submit]').click();
    await page.getByText('Emulator clock: 60 s behind.').waitFor(WAIT);
    expect(emulator.clock.offset).toBe(-60_000);
    await page.getByRole('button', { name: 'Real time' }).click();
    await page.getByText('Emulator clock: real time.').waitFor(WAIT);
    expect(emulator.clock.offset).toBe(0);

    await page.locator('#token-lifetime').fill('0');
    await page.locator('#token-lifetime-form button[type=submit]').click();
    await page.locator('#settings-msg.error').getByText('`tokenLifetime` must be an integer from 1 to 86400, got 0.').waitFor(WAIT);
  });

  it('shows hostile claims as text: no markup from an assertion is ever parsed', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const assertion = await signAssertion(
      { ...claimsFor(emulator.seed, nowSeconds(emulator)), sub: payload, [payload]: payload },
      { kid: emulator.seed.keyId, privateKey: emulator.seed.privateKey, header: { typ: payload } },
    );
    const page = await openConsole();
    const response = await exchange(emulator, assertion);
    expect(response.status).toBe(400);
    const row = await expand(page, logEntryOf(emulator, response));
    expect(await row.locator('.kv td', { hasText: 'onerror' }).first().textContent()).toBe(JSON.stringify(payload));
    expect(await row.locator('.kv th', { hasText: 'onerror' }).textContent()).toBe(payload);
    expect(await page.locator('#log img, #log script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('keeps the page bounded however long the log grows', async () => {
    const busy = await startEmulator({ port: 0, rateLimit: 0, console: true, requestLogSize: 5000 });
    const hit = async (count: number) => {
      for (let i = 0; i < count; i += 50) {
        await Promise.all(Array.from({ length: 50 }, () => fetch(`${busy.url}/authentication/v2/keys`).then((r) => r.arrayBuffer())));
      }
    };
    try {
      await hit(600);
      context = await browser.newContext({ viewport: LAPTOP });
      const page = await context.newPage();
      await page.goto(busy.consoleUrl!);
      const rows = page.locator('#log .entry');
      // The newest 500 at first; then new entries are prepended and the oldest dropped past 1000.
      await expect.poll(() => rows.count(), WAIT).toBe(500);
      expect(await rows.first().getAttribute('data-seq')).toBe('600');
      await hit(600);
      await expect.poll(() => rows.first().getAttribute('data-seq'), WAIT).toBe('1200');
      expect(await rows.count()).toBe(1000);
      expect(await rows.last().getAttribute('data-seq')).toBe('201');
      expect(await page.locator('#log-count').textContent()).toBe('(1000)');
    } finally {
      await busy.close();
    }
  });

  it('says when the emulator is unreachable, and starts over when it comes back on the same port', async () => {
    let first = await startEmulator({ port: 0, rateLimit: 0, console: true });
    const port = Number(new URL(first.url).port);
    try {
      await exchange(first, await seedAssertion(first));
      await exchange(first, await seedAssertion(first));
      context = await browser.newContext({ viewport: LAPTOP });
      const page = await context.newPage();
      await page.goto(first.consoleUrl!);
      await expect.poll(() => page.locator('#log .entry').count(), WAIT).toBe(2);
      await first.close();
      await page.locator('#conn[data-state=offline]').waitFor(WAIT);
      expect(await page.locator('#conn').textContent()).toBe('Emulator unreachable, retrying…');

      first = await startEmulator({ port, rateLimit: 0, console: true });
      const response = await exchange(first, await seedAssertion(first, { aud: first.url }));
      const row = rowOf(page, logEntryOf(first, response));
      await row.waitFor(WAIT);
      expect(await page.locator('#log .entry').count()).toBe(1);
      expect(await row.getAttribute('data-seq')).toBe('1');
      await page.locator('#conn[data-state=live]').waitFor(WAIT);
    } finally {
      await first.close();
    }
  });

  it('cannot be driven by another site: a cross-site form and fetch inject no fault', async () => {
    const body = JSON.stringify({ kind: 'missing-fields', expiresIn: '=' });
    // The smuggled text/plain body is a valid fault: only the CSRF rules keep it out.
    const attacker = await serve(`<!DOCTYPE html><body>
<form id="f" method="POST" action="${emulator.url}/_emulator/faults" enctype="text/plain">
<input name='{"kind":"missing-fields","expiresIn":"' value='"}'></form>
<script>
fetch(${JSON.stringify(`${emulator.url}/_emulator/faults`)}, { method: 'POST', mode: 'no-cors', body: ${JSON.stringify(body)} })
  .finally(() => document.getElementById('f').submit());
</script></body>`);
    try {
      context = await browser.newContext();
      const page = await context.newPage();
      const formPost = page.waitForResponse((r) => r.url() === `${emulator.url}/_emulator/faults` && r.request().method() === 'POST' && r.request().isNavigationRequest());
      await page.goto(attacker.url);
      const answer = await formPost;
      expect(answer.status()).toBe(403);
      expect(emulator.faults.pending()).toEqual([]);
    } finally {
      await attacker.close();
    }
  });
});

/** A page on another origin (`localhost`, another port): what a malicious site would serve. */
async function serve(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
