import { compactVerify } from 'jose';
import { nowSeconds, type EmulatorClock } from '../lib/clock.js';
import { ASSERTION_RULES, type AssertionRule, type RuleVerdict } from '../control/request-log.js';
import { isKnownScope, MAX_SCOPES, splitScope } from './scopes.js';
import type { EmulatorState, KeyRecord, ServiceAccountRecord } from '../state/state.js';

/**
 * The only audience APS accepts, whatever URL the emulator listens on (reference §4, D-jwt).
 *
 * @example
 * ```ts
 * new SignJWT({ aud: ASSERTION_AUDIENCE, ... });
 * ```
 */
export const ASSERTION_AUDIENCE = 'https://developer.api.autodesk.com/authentication/v2/token';
/**
 * "exp: Max 5 mins from current time" (reference §4).
 *
 * @example
 * ```ts
 * const exp = Math.floor(Date.now() / 1000) + MAX_ASSERTION_LIFETIME_SECONDS;
 * ```
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
export interface JudgeInput {
  readonly assertion: string;
  /** The authenticated client. */
  readonly clientId: string;
  /** The form `scope`, if sent. */
  readonly requestedScope: string | undefined;
  readonly state: EmulatorState;
  readonly clock: EmulatorClock;
}

export interface Judgement {
  readonly verdicts: readonly RuleVerdict[];
  readonly failed?: AssertionRule;
  readonly decoded?: { readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> };
  /** Set when every rule passed. */
  readonly grant?: { readonly serviceAccountId: string; readonly kid: string; readonly scopes: readonly string[] };
  /** Why the `requested scope` rule failed, so the answer can say so instead of blaming the assertion. */
  readonly requestedScopeProblem?: RequestedScopeProblem;
}

/** An empty form `scope`, or one listing a scope the assertion does not grant. */
export type RequestedScopeProblem = 'empty' | 'wider';

type Check = { ok: true; detail: string } | { ok: false; detail: string; fix: string } | { ok: null; detail: string };

const pass = (detail: string): Check => ({ ok: true, detail });
const fail = (detail: string, fix: string): Check => ({ ok: false, detail, fix });

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined || !/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const show = (value: unknown): string => (value === undefined ? 'missing' : JSON.stringify(value));

/**
 * Judges a jwt-bearer assertion rule by rule, in `ASSERTION_RULES` order, recording each verdict. Every rule
 * is evaluated on its own facts so the log can say exactly what is wrong; the first failure decides.
 */
export async function judgeAssertion(input: JudgeInput): Promise<Judgement> {
  const { assertion, clientId, state } = input;
  const now = nowSeconds(input.clock);
  const parts = assertion.split('.');
  const header = parts.length === 3 ? decodeSegment(parts[0]) : undefined;
  const claims = parts.length === 3 ? decodeSegment(parts[1]) : undefined;
  const decoded = header && claims ? { header, claims } : undefined;
  const kid = typeof header?.['kid'] === 'string' ? header['kid'] : undefined;
  const key: KeyRecord | undefined = kid === undefined ? undefined : state.getKey(kid);
  const sub = claims?.['sub'];
  const account: ServiceAccountRecord | undefined = typeof sub === 'string' ? state.getServiceAccount(sub) : undefined;
  let scopes: string[] = [];
  let requestedScopeProblem: RequestedScopeProblem | undefined;

  const checks: Record<AssertionRule, () => Promise<Check> | Check> = {
    'signature/alg': async () => {
      if (!decoded) {
        return fail(
          'The assertion is not a JWS compact serialization (three base64url parts whose header and payload are JSON objects).',
          'Send the signed JWT itself: header.payload.signature, as produced by a JWT library.',
        );
      }
      if (header!['alg'] !== 'RS256') {
        return fail(
          `The header alg is ${show(header!['alg'])}; only RS256 is accepted.`,
          "Sign with RS256 (RSASSA-PKCS1-v1_5 + SHA-256) using the service account's private key.",
        );
      }
      if (!key) return { ok: null, detail: 'Not verifiable: no registered key has this kid (see the kid rule).' };
      try {
        await compactVerify(assertion, key.publicKey, { algorithms: ['RS256'] });
        return pass(`RS256 signature verified with the public key of kid ${key.kid}.`);
      } catch {
        return fail(
          `The signature does not verify against the public key registered for kid ${key.kid}.`,
          'Sign with the private key that was created together with this kid, and do not alter the token after signing.',
        );
      }
    },
    kid: () => {
      if (kid === undefined) {
        return fail(`The header has no string kid (${show(header?.['kid'])}).`, 'Put the key id (a UUID from Create Key) in the JWT header as kid.');
      }
      if (!key) {
        return fail(
          `No key ${kid} is registered (unknown or deleted).`,
          'Use the kid returned by Create Key for this service account; create a new key if it was deleted.',
        );
      }
      if (typeof sub === 'string' && key.serviceAccountId !== sub) {
        return fail(
          `Key ${kid} belongs to service account ${key.serviceAccountId}, not to sub ${sub}.`,
          'Sign with a key of the service account named in sub, or set sub to the account that owns this key.',
        );
      }
      return pass(`Key ${kid} of service account ${key.serviceAccountId}.`);
    },
    iss: () => {
      const iss = claims!['iss'];
      if (typeof iss !== 'string') return fail(`The iss claim is ${show(iss)}.`, 'Set iss to your client id.');
      if (iss !== clientId) {
        return fail(
          `iss is ${iss} but the request authenticated as client ${clientId}.`,
          'Set iss to the client id whose credentials authenticate the token request.',
        );
      }
      return pass(`iss is the authenticated client ${clientId}.`);
    },
    sub: () => {
      if (typeof sub !== 'string') return fail(`The sub claim is ${show(sub)}.`, 'Set sub to the service account id.');
      // The kid rule passed, so a key of the account named in sub exists, and keys live no longer than their account
      // (deleting an account deletes its keys; a state file with a key of no account is refused): the account exists.
      const owner = account!.clientId;
      if (owner !== clientId) {
        return fail(
          `Service account ${sub} belongs to another client (${owner}).`,
          'Use a service account created by this client, or authenticate as the client that owns it.',
        );
      }
      return pass(`Service account ${sub} of client ${clientId}.`);
    },
    aud: () => {
      const aud = claims!['aud'];
      // D-jwt says "exactly" this audience; its Go snippet (golang-jwt v4 RegisteredClaims) sends it as a
      // one-element array, presented as working (reference §9), so that form is APS's too (RFC 7519 §4.1.3).
      const only = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
      if (only !== ASSERTION_AUDIENCE) {
        return fail(
          `aud is ${show(aud)}; it must be exactly ${ASSERTION_AUDIENCE} (a string, or an array of that one string).`,
          `Set aud to "${ASSERTION_AUDIENCE}" (not the emulator's own URL, and no other audience beside it).`,
        );
      }
      return pass(`aud is the APS token endpoint${Array.isArray(aud) ? ' (as a one-element array)' : ''}.`);
    },
    exp: () => {
      // D-jwt: exp is "0-5 minutes in the future"; no clock skew is documented (reference §4), so none is allowed.
      // iat and nbf are optional and APS documents no check of them, so they are not judged at all.
      const exp = claims!['exp'];
      if (typeof exp !== 'number' || !Number.isFinite(exp)) {
        return fail(`The exp claim is ${typeof exp === 'number' ? exp : show(exp)}; it must be a NumericDate (seconds since the epoch).`, 'Set exp to now + at most 300 seconds, as a number.');
      }
      if (exp <= now) {
        return fail(`exp ${exp} is ${now - exp} s in the past (or now).`, 'Sign a fresh assertion for each exchange; check your clock.');
      }
      if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS) {
        return fail(
          `exp ${exp} is ${exp - now} s ahead; at most ${MAX_ASSERTION_LIFETIME_SECONDS} s is accepted.`,
          'Set exp to at most 5 minutes from now (and check your clock).',
        );
      }
      return pass(`exp is ${exp - now} s ahead.`);
    },
    scope: () => {
      const scope = claims!['scope'];
      if (!Array.isArray(scope) || scope.some((s) => typeof s !== 'string')) {
        return fail(
          `The scope claim is ${show(scope)}; it must be a JSON array of strings.`,
          'Set scope to an array such as ["data:read"], not a space-separated string.',
        );
      }
      if (scope.length === 0 || scope.length > MAX_SCOPES) {
        return fail(`The scope array has ${scope.length} entries.`, `List between 1 and ${MAX_SCOPES} scopes.`);
      }
      const unknown = scope.filter((s: string) => !isKnownScope(s));
      if (unknown.length > 0) {
        return fail(`Unknown scope(s): ${unknown.join(', ')}.`, 'Use documented APS scopes (case-sensitive), e.g. data:read, user-profile:read.');
      }
      scopes = scope as string[];
      return pass(`scope is ${JSON.stringify(scope)}.`);
    },
    'requested scope': () => {
      if (input.requestedScope === undefined) return pass("No form scope: the token gets the assertion's scope.");
      const requested = splitScope(input.requestedScope);
      if (requested.length === 0) {
        requestedScopeProblem = 'empty';
        return fail('The form scope is empty.', "Omit the form scope to get the assertion's scope, or list a subset of it.");
      }
      const extra = requested.filter((s) => !scopes.includes(s));
      if (extra.length > 0) {
        requestedScopeProblem = 'wider';
        return fail(`The form scope asks for ${extra.join(', ')}, not in the assertion's scope.`, "Request only scopes listed in the assertion's scope claim.");
      }
      scopes = [...new Set(requested)];
      return pass(`The form scope ${requested.join(' ')} is a subset of the assertion's scope.`);
    },
    'key state': () =>
      key!.status === 'ENABLED'
        ? pass('The key is ENABLED.')
        : fail(`Key ${key!.kid} is ${key!.status}.`, 'Enable the key (PATCH …/keys/{kid} {"status":"ENABLED"}) or sign with another enabled key.'),
    'account state': () =>
      account!.status === 'ENABLED'
        ? pass('The service account is ENABLED.')
        : fail(
            `Service account ${account!.serviceAccountId} is ${account!.status}.`,
            'Enable the service account (PATCH /service-accounts/{id} {"status":"ENABLED"}).',
          ),
  };

  const verdicts: RuleVerdict[] = [];
  let failed: AssertionRule | undefined;
  for (const rule of ASSERTION_RULES) {
    if (failed !== undefined) {
      verdicts.push({ rule, ok: null, detail: 'Not checked: an earlier rule failed.', fix: null });
      continue;
    }
    const check = await checks[rule]();
    verdicts.push({ rule, ok: check.ok, detail: check.detail, fix: check.ok === false ? check.fix : null });
    if (check.ok === false) failed = rule;
  }
  return {
    verdicts,
    failed,
    decoded,
    grant: failed === undefined ? { serviceAccountId: account!.serviceAccountId, kid: key!.kid, scopes } : undefined,
    requestedScopeProblem,
  };
}
