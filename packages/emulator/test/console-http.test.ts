import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Script } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost } from '../src/console/access.js';
import { FAULT_BUTTONS } from '../src/console/page.js';
import { CONSOLE_CSP } from '../src/console/routes.js';
import { EmulatorOptionError, FAULT_KINDS, runEmulatorCli, startEmulator, type Emulator } from '../src/index.js';
import { exchange, seedAssertion } from './support.js';

/** A raw HTTP request: unlike fetch, it can send any Host, Origin or Sec-Fetch-Site header. */
function raw(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const CONSOLE_PATHS = ['/_emulator/console', '/_emulator/console/console.js', '/_emulator/console/console.css', '/_emulator/console/icon.svg'];

describe('the console is off by default', () => {
  it('answers 404 on every console path and has no consoleUrl', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      expect(emulator.consoleUrl).toBeUndefined();
      for (const path of CONSOLE_PATHS) {
        const response = await fetch(`${emulator.url}${path}`);
        expect(response.status, path).toBe(404);
        expect(await response.json()).toEqual({ developerMessage: 'The requested resource does not exist.' });
      }
    } finally {
      await emulator.close();
    }
  });
});

describe('console options', () => {
  it('rejects bad values with a clear EmulatorOptionError', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ console: 'yes' }, '`console` must be true or false, got "yes".'],
      [{ console: true, consoleAllowRemote: 1 }, '`consoleAllowRemote` must be true or false, got 1.'],
      [{ consol: true }, 'Did you mean `console`?'],
    ];
    for (const [options, message] of cases) {
      const error = await startEmulator(options as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(EmulatorOptionError);
      expect((error as EmulatorOptionError).code).toBe('ERR_EMULATOR_OPTION');
      expect((error as Error).message).toContain(message);
    }
  });

  it('the bin flag --console prints the console URL', async () => {
    const out: string[] = [];
    const controller = new AbortController();
    let consoleUrl: string | undefined;
    const code = await runEmulatorCli(['--port', '0', '--console'], {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => out.push(text) },
      signal: controller.signal,
      onListening: (emulator) => {
        consoleUrl = emulator.consoleUrl;
        void fetch(emulator.consoleUrl!).then((response) => {
          out.push(`fetched ${response.status}\n`);
          controller.abort();
        });
      },
    });
    expect(code).toBe(0);
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_emulator\/console$/);
    expect(out).toContain(`console: ${consoleUrl}\n`);
    expect(out).toContain('fetched 200\n');
  });
});

describe('console pages', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, console: true });
  });
  afterAll(() => emulator.close());

  it('serves the page, its script, stylesheet and icon with a strict CSP', async () => {
    expect(emulator.consoleUrl).toBe(`${emulator.url}/_emulator/console`);
    const types = ['text/html; charset=utf-8', 'text/javascript; charset=utf-8', 'text/css; charset=utf-8', 'image/svg+xml'];
    for (const [i, path] of CONSOLE_PATHS.entries()) {
      const response = await fetch(`${emulator.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe(types[i]);
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
  });

  it('has no inline script or style and loads nothing from elsewhere (works offline)', async () => {
    const html = await (await fetch(emulator.consoleUrl!)).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    const css = await (await fetch(`${emulator.consoleUrl}/console.css`)).text();
    expect(css).not.toMatch(/@import|url\(/);
  });

  it('its script parses and never writes HTML', async () => {
    const script = await (await fetch(`${emulator.consoleUrl}/console.js`)).text();
    expect(() => new Script(script)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });

  it('has a button for every fault kind', async () => {
    const html = await (await fetch(emulator.consoleUrl!)).text();
    for (const kind of FAULT_KINDS) {
      expect(html).toContain(`data-fault="${JSON.stringify(FAULT_BUTTONS[kind].spec).replaceAll('"', '&#34;')}"`);
    }
  });

  it('answers loopback Host names and refuses others (DNS-rebinding defence)', async () => {
    const port = new URL(emulator.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `app.localhost:${port}`, `127.9.9.9:${port}`, `[::1]:${port}`, 'localhost']) {
      expect((await raw(emulator.url, '/_emulator/console', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `localhost.evil.example:${port}`, `10.0.0.1:${port}`, `[::ffff:10.0.0.1]:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const response = await raw(emulator.url, '/_emulator/console/console.js', { headers: { host } });
      expect(response.status, host).toBe(403);
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(JSON.parse(response.text)).toEqual({
        error: 'forbidden',
        message: `The emulator console answers only to a loopback host name (localhost, 127.0.0.1, [::1]), not ${JSON.stringify(host)}: other names could be a DNS-rebinding attack. Open http://localhost:${port}/_emulator/console, or start the emulator with consoleAllowRemote: true (--console-allow-remote).`,
      });
    }
    // HTTP/1.1 without Host is refused by Node itself (400); HTTP/1.0 may omit it and reaches the console.
    const socket = connect(Number(port), '127.0.0.1');
    socket.end('GET /_emulator/console HTTP/1.0\r\n\r\n');
    const answer = (await socket.toArray()).join('');
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain('not \\"\\"');
  });

  it('serves any Host with consoleAllowRemote', async () => {
    const open = await startEmulator({ port: 0, console: true, consoleAllowRemote: true });
    try {
      expect((await raw(open.url, '/_emulator/console', { headers: { host: 'emulator.internal:4000' } })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('the loopback predicates', () => {
  it('isLoopbackAddress accepts 127.0.0.0/8, ::1 and IPv4-mapped loopback only', () => {
    for (const address of ['127.0.0.1', '127.255.254.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of [undefined, '', '0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '192.168.1.20', '::ffff:10.0.0.1', '::2', 'fe80::1', 'localhost', '127.1']) {
      expect(isLoopbackAddress(address), String(address)).toBe(false);
    }
  });

  it('isLoopbackHost accepts localhost names and loopback addresses, with or without a port', () => {
    for (const host of ['localhost', 'localhost:80', 'a.b.localhost:9', '127.0.0.1', '127.0.0.1:65535', '[::1]', '[::1]:8080', '[::ffff:127.0.0.1]:1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [undefined, '', 'localhost.', 'localhost.evil.example', 'evil-localhost', '::1', '[::1', '127.0.0.1:port', '10.0.0.1', '[fe80::1]:80', 'user@localhost']) {
      expect(isLoopbackHost(host), String(host)).toBe(false);
    }
  });
});

describe('control writes refuse cross-site browsers (CSRF) but not scripts', () => {
  let emulator: Emulator;
  let origin: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0, console: true });
    origin = emulator.url;
  });
  afterAll(() => emulator.close());
  afterEach(() => emulator.faults.clear());

  const fault = JSON.stringify({ kind: 'missing-fields', expiresIn: '=' });

  it('refuses a body that is not JSON, as a cross-site form would send it (415)', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const response = await raw(emulator.url, '/_emulator/faults', { method: 'POST', headers: { 'content-type': contentType }, body: fault });
      expect(response.status, contentType).toBe(415);
      expect(JSON.parse(response.text)).toEqual({
        error: 'bad_request',
        message: `Control requests with a body must be sent as Content-Type: application/json, got ${JSON.stringify(contentType)}.`,
      });
    }
    const noType = await raw(emulator.url, '/_emulator/faults', { method: 'POST', body: fault });
    expect(noType.status).toBe(415);
    expect(emulator.faults.pending()).toEqual([]);
  });

  it('refuses another origin, a null origin and Sec-Fetch-Site other than same-origin (403)', async () => {
    const json = { 'content-type': 'application/json' };
    const refused: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `https://${new URL(origin).host}` },
      { origin: 'http://localhost:1' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      const response = await raw(emulator.url, '/_emulator/faults', { method: 'POST', headers: { ...json, ...headers }, body: fault });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(response.text)).toEqual({
        error: 'forbidden',
        message: 'Cross-site requests cannot change the emulator. Use the console this emulator serves, or send the request from a script (without an Origin header).',
      });
    }
    const writes: [string, string, string | undefined][] = [
      ['POST', '/_emulator/reset-counters', undefined],
      ['DELETE', '/_emulator/faults', undefined],
      ['PUT', '/_emulator/clock', '{"offsetMs":1}'],
      ['PUT', '/_emulator/token-lifetime', '{"seconds":1}'],
      ['PUT', '/_emulator/rate-limit', '{"perMinute":1}'],
    ];
    emulator.faults.inject({ kind: 'hang' });
    for (const [method, path, body] of writes) {
      const headers = { origin: 'http://evil.example', ...(body === undefined ? {} : json) };
      expect((await raw(emulator.url, path, { method, headers, ...(body === undefined ? {} : { body }) })).status, `${method} ${path}`).toBe(403);
    }
    expect(emulator.faults.pending()).toHaveLength(1);
    expect(emulator.clock.offset).toBe(0);
  });

  it('accepts the same origin, and scripts that send no Origin', async () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const sameOrigin = await raw(emulator.url, '/_emulator/faults', {
      method: 'POST',
      headers: { ...json, origin, 'sec-fetch-site': 'same-origin' },
      body: fault,
    });
    expect(sameOrigin.status).toBe(201);
    const script = await raw(emulator.url, '/_emulator/faults', { method: 'POST', headers: json, body: fault });
    expect(script.status).toBe(201);
    expect(emulator.faults.pending()).toEqual([{ kind: 'missing-fields', endpoint: 'token:jwt-bearer', remaining: 1, status: 200, omit: [], expiresIn: '=' }, expect.anything()]);
    expect((await raw(emulator.url, '/_emulator/reset-counters', { method: 'POST' })).status).toBe(200);
  });

  it('refuses a same-origin page under a rebound host name unless consoleAllowRemote', async () => {
    const port = new URL(emulator.url).port;
    const headers = { 'content-type': 'application/json', host: `evil.example:${port}`, origin: `http://evil.example:${port}` };
    const rebound = await raw(emulator.url, '/_emulator/faults', { method: 'POST', headers, body: fault });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).message).toBe(reboundMessage(`evil.example:${port}`, port));
    expect(emulator.faults.pending()).toEqual([]);

    const open = await startEmulator({ port: 0, console: true, consoleAllowRemote: true });
    try {
      const openPort = new URL(open.url).port;
      const allowed = await raw(open.url, '/_emulator/faults', {
        method: 'POST',
        headers: { ...headers, host: `emulator.internal:${openPort}`, origin: `http://emulator.internal:${openPort}` },
        body: fault,
      });
      expect(allowed.status).toBe(201);
    } finally {
      await open.close();
    }
  });
});

const CONTROL_READS = ['/_emulator/state', '/_emulator/counters', '/_emulator/requests', '/_emulator/faults', '/_emulator/clock', '/_emulator/token-lifetime', '/_emulator/rate-limit'];

const reboundMessage = (host: string, port: string) =>
  `The emulator control surface answers only to a loopback host name (localhost, 127.0.0.1, [::1]), not ${JSON.stringify(host)}: other names could be a DNS-rebinding attack. Open http://localhost:${port}/_emulator/state, or start the emulator with consoleAllowRemote: true (--console-allow-remote).`;

/** This machine's first non-loopback IPv4 address, to reach an emulator bound to 0.0.0.0 as another machine would. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((info) => info?.family === 'IPv4' && !info.internal)?.address;

describe('every control request, reads included, is for loopback clients under loopback names (issue 12 item 7)', () => {
  it('refuses GETs under a rebound Host name (a DNS-rebinding page could read them), from scripts too', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const port = new URL(emulator.url).port;
      for (const path of CONTROL_READS) {
        expect((await raw(emulator.url, path)).status, path).toBe(200);
        const rebound: Record<string, string>[] = [{ host: `evil.example:${port}` }, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }];
        for (const headers of rebound) {
          const response = await raw(emulator.url, path, { headers });
          expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
          expect(JSON.parse(response.text)).toEqual({ error: 'forbidden', message: reboundMessage(`evil.example:${port}`, port) });
        }
      }
      // A script's write under a non-loopback name is refused too, before any CSRF rule.
      const write = await raw(emulator.url, '/_emulator/clock', { method: 'PUT', headers: { host: `evil.example:${port}`, 'content-type': 'application/json' }, body: '{"offsetMs":60000}' });
      expect(write.status).toBe(403);
      expect(emulator.clock.offset).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it.skipIf(outsideAddress === undefined)('refuses non-loopback clients of an emulator bound to 0.0.0.0, unless consoleAllowRemote', async () => {
    for (const consoleAllowRemote of [false, true]) {
      const emulator = await startEmulator({ port: 0, host: '0.0.0.0', consoleAllowRemote });
      try {
        const port = new URL(emulator.url).port;
        const fromOutside = (path: string, options: { method?: string; body?: string } = {}) =>
          new Promise<{ status: number; text: string }>((resolve, reject) => {
            const req = request(
              { host: outsideAddress, port, path, method: options.method ?? 'GET', localAddress: outsideAddress, headers: { host: `localhost:${port}`, 'content-type': 'application/json' } },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
              },
            );
            req.on('error', reject);
            req.end(options.body);
          });
        const read = await fromOutside('/_emulator/state');
        const write = await fromOutside('/_emulator/rate-limit', { method: 'PUT', body: '{"perMinute":1}' });
        // The APS endpoints are never restricted: the emulator is an APS stand-in for whoever can reach it.
        expect((await fromOutside('/authentication/v2/keys')).status).toBe(200);
        if (consoleAllowRemote) {
          expect([read.status, write.status]).toEqual([200, 200]);
        } else {
          expect([read.status, write.status]).toEqual([403, 403]);
          expect(JSON.parse(read.text).message).toMatch(/^The emulator control surface is served to loopback clients only\./);
          expect(await (await fetch(`${emulator.url}/_emulator/rate-limit`)).json()).toEqual({ perMinute: 10 });
        }
      } finally {
        await emulator.close();
      }
    }
  });
});

describe('the JSON feed for scripts: GET /_emulator/requests?since=SEQ', () => {
  it('returns the entries after SEQ with their verdicts, also once older entries were dropped', async () => {
    const emulator = await startEmulator({ port: 0, rateLimit: 0, requestLogSize: 3 });
    try {
      for (let i = 0; i < 5; i++) await exchange(emulator, await seedAssertion(emulator, i === 4 ? { aud: emulator.url } : {}));
      const feed = async (query: string) =>
        ((await (await fetch(`${emulator.url}/_emulator/requests${query}`)).json()) as { requests: { seq: number }[] }).requests.map((e) => e.seq);
      expect(await feed('')).toEqual([3, 4, 5]);
      expect(await feed('?since=1')).toEqual([3, 4, 5]);
      expect(await feed('?since=3')).toEqual([4, 5]);
      expect(await feed('?since=5')).toEqual([]);
      expect(await feed('?since=99')).toEqual([]);
      expect(await feed('?since=0&limit=2')).toEqual([4, 5]);
      const [last] = ((await (await fetch(`${emulator.url}/_emulator/requests?since=4`)).json()) as { requests: Record<string, any>[] }).requests;
      expect(last).toMatchObject({ seq: 5, outcome: 'invalid_grant', failedRule: 'aud', assertion: { claims: { aud: emulator.url } } });
      expect(last!['rules'].find((r: { rule: string }) => r.rule === 'aud')).toEqual({
        rule: 'aud',
        ok: false,
        detail: `aud is ${JSON.stringify(emulator.url)}; it must be exactly https://developer.api.autodesk.com/authentication/v2/token (a string, or an array of that one string).`,
        fix: 'Set aud to "https://developer.api.autodesk.com/authentication/v2/token" (not the emulator\'s own URL, and no other audience beside it).',
      });
    } finally {
      await emulator.close();
    }
  });
});
