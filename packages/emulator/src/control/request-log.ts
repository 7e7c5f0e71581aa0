import type { EndpointName } from './endpoints.js';
import type { FaultKind } from './faults.js';

/**
 * The assertion rules, in the order the emulator checks them.
 *
 * @example
 * ```ts
 * const failed = emulator.requests().at(-1)?.failedRule; // e.g. 'aud'
 * ```
 */
export const ASSERTION_RULES = [
  'signature/alg',
  'kid',
  'iss',
  'sub',
  'aud',
  'exp',
  'scope',
  'requested scope',
  'account state',
  'key state',
] as const;

export type AssertionRule = (typeof ASSERTION_RULES)[number];

/**
 * The verdict of one assertion rule. `ok: null` means the rule was not reached (an earlier rule failed) or
 * could not be judged; `fix` says in plain words what to change, on the failed rule only.
 *
 * @example
 * ```ts
 * const verdict: RuleVerdict = {
 *   rule: 'exp',
 *   ok: false,
 *   detail: 'exp 1767225900 is 3600 s ahead; at most 300 s is accepted.',
 *   fix: 'Set exp to at most 5 minutes from now (and check your clock).',
 * };
 * ```
 */
export interface RuleVerdict {
  readonly rule: AssertionRule;
  readonly ok: boolean | null;
  readonly detail: string;
  readonly fix: string | null;
}

/**
 * A token the emulator issued.
 *
 * @example
 * ```ts
 * const { jti, expiresAt } = emulator.requests().at(-1)!.issued!;
 * ```
 */
export interface IssuedTokenInfo {
  readonly jti: string;
  /** Absent for 2-legged (client_credentials) tokens. */
  readonly serviceAccountId?: string;
  readonly scopes: readonly string[];
  /** ISO 8601, on the emulator's clock. */
  readonly expiresAt: string;
}

/**
 * One request to an APS path, as the emulator judged it. Never holds a secret: no client secret, no raw
 * assertion, no access token, no signature.
 *
 * @example
 * ```ts
 * const entry = emulator.requests().find((e) => e.requestId === response.headers.get('x-request-id'));
 * entry?.rules?.filter((r) => r.ok === false);
 * ```
 */
export interface RequestLogEntry {
  /** Increases by one per logged request since start. */
  readonly seq: number;
  /** ISO 8601 on the emulator's clock. */
  readonly time: string;
  /** Also sent as the `x-request-id` response header. */
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly endpoint: EndpointName;
  /** HTTP status answered; `0` when a fault hung or reset the connection. */
  readonly status: number;
  /** As counted: `ok`, `rate_limited`, an APS error code, `unauthorized`, `forbidden` or `fault:<kind>`. */
  readonly outcome: string;
  /** The `error_description` / `developerMessage` answered, if any. */
  readonly message?: string;
  /** The injected fault that answered this request. */
  readonly fault?: FaultKind;
  /** The client id presented (Basic or form), whether or not it authenticated. */
  readonly clientId?: string;
  /** The form `grant_type`, as sent. */
  readonly grant?: string;
  /** The decoded JOSE header and claims of a jwt-bearer assertion (never its signature). */
  readonly assertion?: { readonly header: unknown; readonly claims: unknown };
  /** Every assertion rule in order, for jwt-bearer requests that reached the assertion check. */
  readonly rules?: readonly RuleVerdict[];
  /** The first rule that failed. */
  readonly failedRule?: AssertionRule;
  /** The token issued by this request. */
  readonly issued?: IssuedTokenInfo;
  /** The access token presented to a resource, introspect or revoke (its `jti` and subject, never the token). */
  readonly presentedToken?: { readonly jti?: string; readonly serviceAccountId?: string; readonly clientId?: string };
}

export type RequestLogDraft = { -readonly [K in keyof RequestLogEntry]?: RequestLogEntry[K] };

/** A ring buffer of the last `capacity` entries, oldest first. */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #capacity: number;
  #seq = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = Object.freeze({ seq: ++this.#seq, ...entry });
    this.#entries.push(full);
    if (this.#entries.length > this.#capacity) this.#entries.shift();
    return full;
  }

  list(): RequestLogEntry[] {
    return [...this.#entries];
  }

  /** The entries after `seq`, at most the newest `limit` of them, oldest first. */
  since(seq: number, limit: number): RequestLogEntry[] {
    // Kept entries carry consecutive seqs, so the first one wanted is found by arithmetic, not by a scan.
    const first = this.#entries[0]?.seq ?? 0;
    return this.#entries.slice(Math.max(0, seq + 1 - first, this.#entries.length - limit));
  }
}
