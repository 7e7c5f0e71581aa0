import { isDocumentedScope } from './aps-scopes.js';
import { APS_TOKEN_AUDIENCE, MAX_ASSERTION_LIFETIME } from './assertion.js';
import { decodeJwt } from './decode-jwt.js';
import type { AssertionIssue, AssertionIssueCause } from '../errors.js';

/** What {@link diagnoseAssertion} found in an assertion. */
export interface AssertionDiagnosis {
  /** The decoded JOSE header, when the assertion could be decoded. */
  readonly header?: Readonly<Record<string, unknown>>;
  /** The decoded claims, when the assertion could be decoded. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** The faults APS would reject, in the order they are checked; empty when none is visible. */
  readonly issues: readonly AssertionIssue[];
}

/** Options of {@link diagnoseAssertion}. */
export interface DiagnoseAssertionOptions {
  /**
   * The current time in milliseconds since the epoch: `exp` is judged against it (APS judges it against its own
   * clock: refused once `exp` <= now or `exp` > now + 300 s), never against `iat`.
   *
   * @default Date.now
   */
  now?: () => number;
  /** The client id the exchange authenticates as: `iss` must equal it. Unchecked when absent. */
  clientId?: string;
}

const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'scope'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SHOWN_VALUE = 120;

/**
 * Decodes an assertion locally (the signature is not checked) and lists which of the documented
 * causes of APS's "The 'assertion' is invalid." it shows: `scope` not an array of strings, a
 * missing or non-UUID `kid`, a missing `iss`/`sub`/`aud`/`exp`/`scope`, `exp` more than 300 s after
 * now, an `aud` other than {@link APS_TOKEN_AUDIENCE} (as a string or a one-element array, the form the
 * docs' Go snippet sends); plus a scope APS does not document, an `alg` other than RS256, an expired `exp`, an `iss` other than the given
 * `clientId`, or a value that is not a JWT at all. `iat` and `nbf` are not judged: APS documents no check.
 * Issues quote header and claim values (ids, scopes, times), never the assertion itself.
 *
 * No issue does not mean APS will accept it: the signature, the key id / private key pairing, the
 * key's and the service account's state and APS's clock cannot be seen locally.
 *
 * @example
 * ```ts
 * import { diagnoseAssertion } from '@aps-ssa/core';
 *
 * for (const issue of diagnoseAssertion(assertion).issues) console.error(`${issue.cause}: ${issue.message}`);
 * ```
 */
export function diagnoseAssertion(assertion: string, options: DiagnoseAssertionOptions = {}): AssertionDiagnosis {
  const decoded = decodeJwt(assertion);
  if (decoded === undefined) {
    return {
      issues: [
        issue(
          'malformed',
          'The assertion is not a JWT (three base64url parts, header.claims.signature, whose first two are JSON objects).',
        ),
      ],
    };
  }
  const { header, claims } = decoded;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const issues = [...headerIssues(header), ...claimIssues(claims, nowSeconds)];
  const { iss } = claims;
  if (options.clientId !== undefined && typeof iss === 'string' && iss !== '' && iss !== options.clientId) {
    issues.push(
      issue('iss', `The claim iss is ${show(iss)}, but the request authenticates as client ${show(options.clientId)}; iss must be that client id.`),
    );
  }
  return { header, claims, issues };
}

/** Whether a key id has the UUID form of the ids Create Key returns. */
export function looksLikeKeyId(keyId: string): boolean {
  return UUID.test(keyId);
}

/** A sentence telling what the diagnosis means for a rejected assertion, for error messages. */
export function explainAssertionIssues(issues: readonly AssertionIssue[]): string {
  if (issues.length === 0) {
    return (
      'Nothing wrong is visible in the assertion locally, so the likely cause is one APS checks on its side: the key id ' +
      '(kid) does not belong to this private key or to this service account (a key id / private key pairing mix-up), ' +
      'the key or the service account is disabled or deleted, or this clock is too far from APS\'s (check the time).'
    );
  }
  return `The assertion that was sent shows ${issues.length} problem(s): ${issues.map((i) => i.message).join(' ')}`;
}

function headerIssues(header: Record<string, unknown>): AssertionIssue[] {
  const issues: AssertionIssue[] = [];
  if (header.alg !== 'RS256') {
    issues.push(issue('alg', `The header's alg is ${show(header.alg)}; APS accepts only RS256 (RSA with SHA-256).`));
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') {
    issues.push(issue('kid', `The header has no kid (got ${show(kid)}); set it to the key id that Create Key returned.`));
  } else if (!looksLikeKeyId(kid)) {
    issues.push(
      issue(
        'kid',
        `The header's kid ${show(kid)} does not look like a key id (a UUID such as c546e44b-4b98-48cc-a4fa-7a3af5289af5); ` +
          'check that it is the key id, not the service account id or the client id.',
      ),
    );
  }
  return issues;
}

function claimIssues(claims: Record<string, unknown>, nowSeconds: number): AssertionIssue[] {
  const issues: AssertionIssue[] = [];
  for (const name of REQUIRED_CLAIMS) {
    if (claims[name] === undefined || claims[name] === null) {
      issues.push(issue('missing-claim', `The claim ${name} is missing; APS requires iss, sub, aud, exp and scope.`));
    }
  }
  for (const name of ['iss', 'sub'] as const) {
    const value = claims[name];
    if (value !== undefined && value !== null && (typeof value !== 'string' || value === '')) {
      issues.push(issue('missing-claim', `The claim ${name} must be a non-empty string, got ${show(value)}.`));
    }
  }

  const { scope, aud, exp } = claims;
  if (scope !== undefined && scope !== null) {
    if (!Array.isArray(scope)) {
      issues.push(
        issue('scope-not-array', `The claim scope is ${show(scope)}; APS needs a JSON array of strings, e.g. ["data:read"].`),
      );
    } else if (scope.length === 0 || scope.some((s) => typeof s !== 'string' || s === '' || /\s/.test(s))) {
      issues.push(
        issue('scope-not-array', `The claim scope ${show(scope)} must be a non-empty array of scope strings, one scope each.`),
      );
    } else {
      const unknown = (scope as string[]).filter((s) => !isDocumentedScope(s));
      if (unknown.length > 0) {
        issues.push(
          issue(
            'unknown-scope',
            `The claim scope lists ${show(unknown)}, which APS does not document as scopes (such as data:read or ` +
              'user-profile:read); check the spelling, one scope per array element.',
          ),
        );
      }
    }
  }

  // golang-jwt v4 (the docs' Go snippet) writes a single audience as a one-element array; APS accepts it.
  const onlyAudience = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  if (aud !== undefined && aud !== null && onlyAudience !== APS_TOKEN_AUDIENCE) {
    issues.push(
      issue('aud', `The claim aud is ${show(aud)}; it must be exactly "${APS_TOKEN_AUDIENCE}" (a string, or an array of that one string).`),
    );
  }

  if (exp !== undefined && exp !== null) {
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      issues.push(issue('missing-claim', `The claim exp must be a NumericDate (seconds since the epoch), got ${show(exp)}.`));
    } else if (exp - nowSeconds > MAX_ASSERTION_LIFETIME) {
      issues.push(
        issue(
          'exp-too-far',
          `The claim exp is ${exp - nowSeconds} s from now; APS accepts at most ${MAX_ASSERTION_LIFETIME} s (5 minutes). ` +
            'If the assertion was just signed, the signing clock runs ahead.',
        ),
      );
    } else if (exp <= nowSeconds) {
      issues.push(issue('expired', `The assertion expired ${nowSeconds - exp} s ago (exp); sign a new one for each exchange.`));
    }
  }
  return issues;
}

/** A claim or header value for a message: JSON, shortened. These hold ids and scopes, never key material. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}…` : text;
}

function issue(cause: AssertionIssueCause, message: string): AssertionIssue {
  return Object.freeze({ cause, message });
}
