import { SsaError } from '../errors.js';

/**
 * Errors from outside aps-ssa (a token store, ioredis, a custom fetch) may quote what they were
 * handling: ioredis puts a failed command's arguments (a token being written) in its errors, a
 * driver may echo a connection string. Such an error is never chained as the `cause` of an aps-ssa
 * error or put in an event: only a summary is, with its name, its `code` and a message cut short and
 * scrubbed of the known secrets and of anything that looks like one.
 *
 * Every string a server sends that aps-ssa quotes (an `error_description`, a `title`, an `x-request-id`, a
 * `Content-Type`) goes through the same {@link scrubSecrets}: a server or proxy may echo the request it got (the
 * client secret, the Basic credential, the assertion, the bearer token), whole, in part or encoded, and may send
 * control characters that would forge or hide a log line.
 */

/** A summarised message is cut to this many characters. */
const MAX_MESSAGE_LENGTH = 200;
// Scrubbing looks at this much of a message only (an error quoting a whole payload can be huge).
const MAX_SCANNED_LENGTH = 2_000;
/**
 * Any run of this many characters shared with a known secret (or its URL-, form- or JSON-encoded
 * form) is scrubbed, so that a truncated or re-encoded echo does not survive either.
 */
const SECRET_WINDOW = 12;
const REDACTED = '[redacted]';
// Long runs of token-ish characters with a digit and a letter: JWTs, base64 keys, hex secrets, URL-encoded blobs.
const SECRET_LOOKING = /[A-Za-z0-9_\-+/=.%~]{24,}/g;
const BEARER_OR_BASIC = /\b(Bearer|Basic)\s+\S+/gi;
// A canonical UUID (an `x-request-id`) is an id to quote to support, not a secret.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Line breaks, C0 and C1 control characters (ESC, CSI) and the invisible marks that reorder or hide text (bidi
 * overrides and isolates, zero-width characters, line and paragraph separators): a summary is one visible line, so a
 * log line cannot be forged, recoloured or reordered through it.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+/g;

/**
 * What an aps-ssa error keeps of a foreign error as its `cause`: its `name`, its `code` (when it is a
 * short string or number, such as `ECONNRESET`) and a short, scrubbed message. It has no `cause` and
 * no property of the original (no `command.args`, no request).
 *
 * @example
 * ```ts
 * if (err instanceof SsaTokenUnavailableError && err.cause instanceof ScrubbedError) log.warn(err.cause.code);
 * ```
 */
export class ScrubbedError extends Error {
  /** The original error's `code`, e.g. `ECONNRESET` or `NOPERM`. */
  readonly code?: string;

  constructor(name: string, message: string, code?: string) {
    super(message);
    this.name = name;
    if (code !== undefined) this.code = code;
  }
}

/**
 * `text` with every known secret (whole, in part of {@link SECRET_WINDOW}+ characters, or encoded),
 * every `Bearer …` / `Basic …` credential and every long secret-looking run replaced by
 * `[redacted]`, on one line (control characters become spaces), cut to a readable length.
 *
 * @example
 * ```ts
 * scrubSecrets(`SET k {"accessToken":"${token}"}`, [token]); // 'SET k {"accessToken":"[redacted]"}'
 * ```
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = redactWindows(text.slice(0, MAX_SCANNED_LENGTH), secretWindows(secrets));
  scrubbed = scrubbed.replace(BEARER_OR_BASIC, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  scrubbed = scrubbed.replace(SECRET_LOOKING, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) && !UUID.test(run) ? REDACTED : run));
  scrubbed = scrubbed.replace(CONTROL, ' ');
  return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH)}…` : scrubbed;
}

/**
 * A cause that is safe to chain: aps-ssa's own errors as they are (they never hold a secret),
 * anything else as a {@link ScrubbedError}.
 *
 * @example
 * ```ts
 * throw new SsaError('ERR_SSA_NETWORK', 'The token store failed (see `cause`).', { cause: safeCause(redisError, [clientSecret]) });
 * ```
 */
export function safeCause(error: unknown, secrets: readonly string[]): Error {
  if (error instanceof SsaError) return error;
  if (!(error instanceof Error)) return new ScrubbedError('Error', scrubSecrets(describe(error), secrets));
  // A name or code is kept only when it is a short identifier that holds no secret (scrubbing leaves it as it is).
  const clean = (text: string): boolean => scrubSecrets(text, secrets) === text;
  const name = /^[\w$.-]{1,60}$/.test(error.name) && clean(error.name) ? error.name : 'Error';
  const raw = (error as { code?: unknown }).code;
  const code = (typeof raw === 'string' && /^[\w.-]{1,40}$/.test(raw) && clean(raw)) || typeof raw === 'number' ? String(raw) : undefined;
  return new ScrubbedError(name, scrubSecrets(error.message, secrets), code);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === null ? 'null' : typeof value;
}

/** Every {@link SECRET_WINDOW}-character slice of each secret and of its usual encodings (URL escapes in either case, form, JSON, base64, base64url). */
function secretWindows(secrets: readonly string[]): Set<string> {
  const windows = new Set<string>();
  for (const secret of secrets) {
    const urlEncoded = encodeURIComponent(secret);
    const forms = new Set([
      secret,
      urlEncoded,
      urlEncoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
      new URLSearchParams({ v: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
    ]);
    for (const form of forms) {
      // A form shorter than a window is a window of its own.
      const size = Math.min(SECRET_WINDOW, form.length);
      for (let i = 0; i + size <= form.length; i++) windows.add(form.slice(i, i + size));
    }
  }
  return windows;
}

function redactWindows(text: string, windows: ReadonlySet<string>): string {
  const lengths = new Set([...windows].map((w) => w.length));
  const hidden = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    // Past the end, slice() is shorter than `length`: a match there is one of a shorter window, marked all the same.
    for (const length of lengths) if (windows.has(text.slice(i, i + length))) hidden.fill(1, i, i + length);
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (hidden[i] === 0) out += text[i];
    else if (i === 0 || hidden[i - 1] === 0) out += REDACTED;
  }
  return out;
}
