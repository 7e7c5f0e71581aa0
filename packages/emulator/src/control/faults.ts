import { ENDPOINTS, type EndpointName } from './endpoints.js';
import { EmulatorOptionError } from '../errors.js';
import { rejectUnknownKeys, requireInteger } from '../lib/unknown-keys.js';

/**
 * The fault kinds `faults.inject` accepts (see `FaultKind`).
 *
 * @example
 * ```ts
 * for (const kind of FAULT_KINDS) emulator.faults.inject({ kind });
 * ```
 */
export const FAULT_KINDS = ['rate-limit', 'server-error', 'hang', 'reset', 'malformed-json', 'html', 'missing-fields'] as const;

/**
 * - `rate-limit`: 429 with `Retry-After` and APS's quota body.
 * - `server-error`: a 5xx (`status`, default 500) with a JSON body.
 * - `hang`: never answers; the socket is held until the client gives up or the emulator closes.
 * - `reset`: destroys the connection without an answer.
 * - `malformed-json`: 200 `application/json` whose body is cut short.
 * - `html`: a gateway's HTML error page (`status`, default 502, `text/html`).
 * - `missing-fields`: 200 with a token body missing `omit` fields, or with `expiresIn` in place of `expires_in`.
 *
 * @example
 * ```ts
 * const kind: FaultKind = 'malformed-json';
 * ```
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The fields of a token response, for `missing-fields` faults.
 *
 * @example
 * ```ts
 * emulator.faults.inject({ kind: 'missing-fields', omit: ['expires_in'] satisfies TokenField[] });
 * ```
 */
export type TokenField = 'access_token' | 'token_type' | 'expires_in';

/**
 * A fault may target one endpoint, `token` (every token request) or `any` (every APS endpoint).
 *
 * @example
 * ```ts
 * emulator.faults.inject({ kind: 'reset', endpoint: 'any' });
 * ```
 */
export type FaultTarget = EndpointName | 'any';

/**
 * What to inject. Only the fields that apply to `kind` are accepted.
 *
 * @example
 * ```ts
 * emulator.faults.inject({ kind: 'rate-limit', retryAfter: 2 });
 * emulator.faults.inject({ kind: 'server-error', status: 503, count: 2 });
 * emulator.faults.inject({ kind: 'missing-fields', expiresIn: '3599' });
 * ```
 */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** How many matching requests the fault answers. @default 1 */
  readonly count?: number;
  /** @default 'token:jwt-bearer' */
  readonly endpoint?: FaultTarget;
  /** `server-error` (500–599, default 500) and `html` (400–599, default 502). */
  readonly status?: number;
  /** `rate-limit`: the `Retry-After` seconds. @default 1 */
  readonly retryAfter?: number;
  /** `missing-fields`: the token-body fields to leave out. @default ['access_token'] unless `expiresIn` is given */
  readonly omit?: readonly TokenField[];
  /** `missing-fields`: a (wrongly typed) value sent as `expires_in`, e.g. `'3599'`. */
  readonly expiresIn?: unknown;
}

/**
 * A fault waiting for requests, as `faults.pending()` lists it.
 *
 * @example
 * ```ts
 * expect(emulator.faults.pending()).toEqual([{ kind: 'hang', endpoint: 'token:jwt-bearer', remaining: 1, status: 0 }]);
 * ```
 */
export interface PendingFault {
  readonly kind: FaultKind;
  readonly endpoint: FaultTarget;
  /** Requests it will still answer. */
  readonly remaining: number;
  readonly status: number;
  readonly retryAfter?: number;
  readonly omit?: readonly TokenField[];
  readonly expiresIn?: unknown;
}

/**
 * The fault-injection control.
 *
 * @example
 * ```ts
 * emulator.faults.inject({ kind: 'hang' });
 * await expect(fetch(tokenUrl, { method: 'POST', signal: AbortSignal.timeout(200), body })).rejects.toThrow();
 * emulator.faults.clear();
 * ```
 */
export interface EmulatorFaults {
  inject(spec: FaultSpec): PendingFault;
  clear(): void;
  pending(): PendingFault[];
}

const DEFAULT_FAULT_TARGET: FaultTarget = 'token:jwt-bearer';
const DEFAULT_RETRY_AFTER_SECONDS = 1;
const TOKEN_FIELDS: readonly TokenField[] = ['access_token', 'token_type', 'expires_in'];
const MAX_FAULT_COUNT = 1_000_000;

const FIELDS_BY_KIND: Record<FaultKind, readonly string[]> = {
  'rate-limit': ['retryAfter'],
  'server-error': ['status'],
  hang: [],
  reset: [],
  'malformed-json': [],
  html: ['status'],
  'missing-fields': ['omit', 'expiresIn'],
};

function statusFor(kind: FaultKind, status: unknown): number {
  switch (kind) {
    case 'rate-limit':
      return 429;
    case 'server-error':
      return status === undefined ? 500 : requireInteger(status, 'status', 500, 599);
    case 'html':
      return status === undefined ? 502 : requireInteger(status, 'status', 400, 599);
    case 'hang':
    case 'reset':
      return 0;
    default:
      return 200;
  }
}

function normaliseFault(input: unknown): PendingFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new EmulatorOptionError('A fault must be an object like { "kind": "server-error" }.');
  }
  const spec = input as Record<string, unknown>;
  const kind = spec['kind'];
  if (!FAULT_KINDS.includes(kind as FaultKind)) {
    throw new EmulatorOptionError(`Unknown fault kind ${JSON.stringify(kind)}: use one of ${FAULT_KINDS.join(', ')}.`);
  }
  const k = kind as FaultKind;
  rejectUnknownKeys(spec, ['kind', 'count', 'endpoint', ...FIELDS_BY_KIND[k]], `'${k}' fault field`);
  const endpoint = spec['endpoint'] ?? DEFAULT_FAULT_TARGET;
  if (endpoint !== 'any' && !ENDPOINTS.includes(endpoint as EndpointName)) {
    throw new EmulatorOptionError(`Unknown fault endpoint ${JSON.stringify(endpoint)}: use one of any, ${ENDPOINTS.join(', ')}.`);
  }
  const fault: { -readonly [K in keyof PendingFault]: PendingFault[K] } = {
    kind: k,
    endpoint: endpoint as FaultTarget,
    remaining: spec['count'] === undefined ? 1 : requireInteger(spec['count'], 'count', 1, MAX_FAULT_COUNT),
    status: statusFor(k, spec['status']),
  };
  if (k === 'rate-limit') {
    fault.retryAfter =
      spec['retryAfter'] === undefined ? DEFAULT_RETRY_AFTER_SECONDS : requireInteger(spec['retryAfter'], 'retryAfter', 0, 86_400);
  }
  if (k === 'missing-fields') {
    const omit = spec['omit'] ?? ('expiresIn' in spec ? [] : ['access_token']);
    if (!Array.isArray(omit) || omit.some((f) => !TOKEN_FIELDS.includes(f))) {
      throw new EmulatorOptionError(`\`omit\` must be an array of ${TOKEN_FIELDS.join(', ')}.`);
    }
    fault.omit = [...(omit as TokenField[])];
    if ('expiresIn' in spec) fault.expiresIn = spec['expiresIn'];
  }
  return Object.freeze(fault);
}

function matches(target: FaultTarget, endpoint: EndpointName): boolean {
  return target === 'any' || target === endpoint || (target === 'token' && endpoint.startsWith('token'));
}

/** Pending faults, first injected first served. */
export class FaultQueue implements EmulatorFaults {
  #queue: PendingFault[] = [];

  inject(spec: FaultSpec): PendingFault {
    const fault = normaliseFault(spec);
    this.#queue.push(fault);
    return fault;
  }

  clear(): void {
    this.#queue = [];
  }

  pending(): PendingFault[] {
    return [...this.#queue];
  }

  /** Consumes one use of the first fault aimed at `endpoint`. */
  take(endpoint: EndpointName): PendingFault | undefined {
    const index = this.#queue.findIndex((f) => matches(f.endpoint, endpoint));
    if (index < 0) return undefined;
    const fault = this.#queue[index]!;
    const remaining = fault.remaining - 1;
    if (remaining === 0) this.#queue.splice(index, 1);
    else this.#queue[index] = Object.freeze({ ...fault, remaining });
    return fault;
  }
}
