import type { Emulator } from '../src/index.js';
import { basic, postForm } from './support.js';

export const SERVICE_ACCOUNTS = '/authentication/v2/service-accounts';

/** Every scope the admin operations need (S1 `security`). */
export const ADMIN_SCOPES = [
  'application:service_account:read',
  'application:service_account:write',
  'application:service_account_key:read',
  'application:service_account_key:write',
] as const;

/** `2025-03-26 04:58:26 +0000 UTC`, optionally with fractional seconds (reference §1). */
export const GO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})? \+0000 UTC$/;

/** A 2-legged token of an app (the seed's by default), from the emulator's client_credentials grant. */
export async function adminToken(
  emulator: Emulator,
  scopes: readonly string[] = ADMIN_SCOPES,
  app: { clientId: string; clientSecret: string } = emulator.seed,
): Promise<string> {
  const response = await postForm(
    emulator.url,
    { grant_type: 'client_credentials', scope: scopes.join(' ') },
    { authorization: basic(app.clientId, app.clientSecret) },
  );
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`client_credentials failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** One admin request; `path` is relative to `/authentication/v2/service-accounts`. */
export function adminRequest(
  emulator: Emulator,
  token: string | undefined,
  method: string,
  path = '',
  body?: unknown,
): Promise<Response> {
  return fetch(`${emulator.url}${SERVICE_ACCOUNTS}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** A valid Create Service Account body for `name`. */
export function accountBody(name: string): { name: string; firstName: string; lastName: string } {
  return { name, firstName: 'Robot', lastName: 'Account' };
}

let counter = 0;
/** A fresh valid service-account name. */
export function uniqueName(prefix = 'test-account'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function createAccount(emulator: Emulator, token: string, name = uniqueName()): Promise<{ serviceAccountId: string; email: string }> {
  const response = await adminRequest(emulator, token, 'POST', '', accountBody(name));
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { serviceAccountId: string; email: string };
}

export async function createKey(emulator: Emulator, token: string, serviceAccountId: string): Promise<{ kid: string; privateKey: string }> {
  const response = await adminRequest(emulator, token, 'POST', `/${serviceAccountId}/keys`);
  if (response.status !== 201) throw new Error(`create key failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { kid: string; privateKey: string };
}

/** The response's status and JSON body (or `undefined` for an empty body). */
export async function answer(response: Response): Promise<{ status: number; body: unknown }> {
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export const ssaError = (title: string, detail: string) => ({ title, detail });
