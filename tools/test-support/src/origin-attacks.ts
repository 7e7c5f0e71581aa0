import { expect } from 'vitest';
import { textsOf } from './receivers.js';
import type { Received, Receiver } from './receivers.js';

const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\./;

/** The receivers of an origin-attack test: `aps` is the client's base URL; every other one is another origin. */
export interface AttackReceivers {
  aps: Receiver;
  otherPort: Receiver;
  otherAddress: Receiver;
  otherAddressSamePort: Receiver;
}

/**
 * The oracle, deliberately coarser than the implementation's rule and sharing no code with it: on APS, under its
 * own host, the token may reach any target that does not mention the token endpoint's words at all (after
 * percent-decoding, in any case). A target naming `token` or `authentication` anywhere, any other receiver and any
 * other host must get none.
 */
export function mayCarryToken(request: Received, aps: Receiver): boolean {
  if (request.receiver !== aps.name || request.host !== `127.0.0.1:${aps.port}`) return false;
  let target = request.target;
  try {
    target = decodeURIComponent(target);
  } catch {
    // Left encoded: the words are then looked for as sent.
  }
  target = target.toLowerCase();
  return !target.includes('token') && !target.includes('authentication');
}

/** Fails for any request that carried the token (or any JWT, or any Authorization) where it must not. */
export function expectNoLeak(requests: readonly Received[], aps: Receiver, token: string, attack = ''): void {
  for (const request of requests) {
    if (mayCarryToken(request, aps)) continue;
    const where = `${request.receiver} (Host ${request.host}, ${request.target})${attack ? ` by ${attack}` : ''}`;
    expect(request.headers.authorization, `an Authorization header reached ${where}`).toBeUndefined();
    for (const text of textsOf(request)) {
      expect(text.includes(token) || JWT.test(text), `a token reached ${where}`).toBe(false);
    }
  }
}

/** The redirect `Location`s an attacker (or a confused APS) answers with: other origins and the token endpoint. */
export function redirectAttacks({ aps, otherPort, otherAddress, otherAddressSamePort }: AttackReceivers): Array<[string, string]> {
  return [
    ['another address', `${otherAddress.url}/x`],
    ['another address, the same port', `${otherAddressSamePort.url}/x`],
    ['another port', `${otherPort.url}/x`],
    ['APS under the name localhost', `http://localhost:${aps.port}/x`],
    ['a protocol-relative URL', `//127.0.0.2:${otherAddress.port}/x`],
    ['a backslash protocol-relative URL', `/\\127.0.0.2:${otherAddress.port}/x`],
    ['backslashes after the scheme', `http:\\\\127.0.0.2:${otherAddress.port}\\x`],
    ['user info naming APS before the real host', `http://127.0.0.1:${aps.port}@127.0.0.2:${otherAddress.port}/x`],
    ['user info on APS itself', `http://user:password@127.0.0.1:${aps.port}/x`],
    ['the token endpoint on APS', '/authentication/v2/token'],
    ['the token endpoint, percent-encoded', '/authentication/v2/%74oken'],
    ['the token endpoint, encoded slashes', '/authentication%2Fv2%2Ftoken'],
    ['the token endpoint, dot segments', '/x/%2e%2e/authentication/v2/token'],
    ['the token endpoint, upper case', '/AUTHENTICATION/V2/TOKEN/'],
  ];
}

/** Each spelling of the token endpoint under the base URL, and the target a server receives for it. */
export const TOKEN_ENDPOINT_SPELLINGS: ReadonlyArray<readonly [string, string]> = [
  ['authentication/v2/token', '/authentication/v2/token'],
  ['../authentication/v2/token', '/authentication/v2/token'],
  ['%2e%2e/authentication/v2/token', '/authentication/v2/token'],
  ['x/%2E%2E/authentication/v2/token', '/authentication/v2/token'],
  ['authentication/v2/%74oken', '/authentication/v2/%74oken'],
  ['authentication/v2/tok%65n', '/authentication/v2/tok%65n'],
  ['%61uthentication/v2/token', '/%61uthentication/v2/token'],
  ['authentication%2fv2%2ftoken', '/authentication%2fv2%2ftoken'],
  ['authentication%2Fv2/token', '/authentication%2Fv2/token'],
  ['AUTHENTICATION/V2/TOKEN', '/AUTHENTICATION/V2/TOKEN'],
  ['authentication//v2/token/', '/authentication//v2/token/'],
  ['authentication/v2/token;jsessionid=x', '/authentication/v2/token;jsessionid=x'],
  ['authentication\\v2\\token', '/authentication/v2/token'],
  ['authentication/v2/token%00', '/authentication/v2/token%00'],
  ['authentication/v2/token%20', '/authentication/v2/token%20'],
  ['authentication/v2/token?x=1', '/authentication/v2/token?x=1'],
  ['authentication/v2/token#x', '/authentication/v2/token'],
  ['authentication/v2/token.json', '/authentication/v2/token.json'],
  ['x/..%2Fauthentication/v2/token', '/x/..%2Fauthentication/v2/token'],
];
