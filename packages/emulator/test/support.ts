import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Emulator, EmulatorSeed, RequestLogEntry } from '../src/index.js';

export const APS_AUDIENCE = 'https://developer.api.autodesk.com/authentication/v2/token';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const INVALID_ASSERTION = { error: 'invalid_grant', error_description: "The 'assertion' is invalid." };

export const nowSeconds = (emulator?: Emulator): number => Math.floor((emulator?.clock.now() ?? Date.now()) / 1000);

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** The five claims APS requires, valid for the seed. */
export function claimsFor(seed: EmulatorSeed, now: number): Record<string, unknown> {
  return { iss: seed.clientId, sub: seed.serviceAccountId, aud: APS_AUDIENCE, exp: now + 300, scope: [...seed.scopes] };
}

export async function signAssertion(
  claims: Record<string, unknown>,
  options: { kid: string; privateKey: string | KeyObject; header?: Record<string, unknown> },
): Promise<string> {
  const key = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: options.kid, ...options.header }).sign(key);
}

/** A valid assertion for the seed, with claims overridden (`undefined` removes a claim). */
export async function seedAssertion(emulator: Emulator, overrides: Record<string, unknown> = {}): Promise<string> {
  const claims = { ...claimsFor(emulator.seed, nowSeconds(emulator)), ...overrides };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return signAssertion(claims, { kid: emulator.seed.keyId, privateKey: emulator.seed.privateKey });
}

export function postForm(
  url: string,
  fields: Record<string, string>,
  options: { authorization?: string; contentType?: string; path?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${url}${options.path ?? '/authentication/v2/token'}`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    },
    body: new URLSearchParams(fields).toString(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Exchanges an assertion with Basic client authentication. */
export function exchange(emulator: Emulator, assertion: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm(
    emulator.url,
    { grant_type: JWT_BEARER, assertion, ...extra },
    { authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
  );
}

export async function tokenFor(emulator: Emulator, overrides: Record<string, unknown> = {}, extra: Record<string, string> = {}): Promise<string> {
  const response = await exchange(emulator, await seedAssertion(emulator, overrides), extra);
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`exchange failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export function clientCredentials(emulator: Emulator, scope: string): Promise<Response> {
  return postForm(
    emulator.url,
    { grant_type: 'client_credentials', scope },
    { authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
  );
}

/** The log entry of a response, found by its `x-request-id`. */
export function logEntryOf(emulator: Emulator, response: Response): RequestLogEntry {
  const id = response.headers.get('x-request-id');
  const entry = emulator.requests().find((e) => e.requestId === id);
  if (!entry) throw new Error(`no log entry for request ${String(id)}`);
  return entry;
}

export function controlFetch(emulator: Emulator, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${emulator.url}/_emulator${path}`, {
    method: init.method ?? 'GET',
    ...(init.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
}
