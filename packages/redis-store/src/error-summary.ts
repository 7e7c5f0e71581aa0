// Stand-in for core's safe error summary (being added to core): switch to it once it exists.

const MAX_MESSAGE = 200;
// A run this long of token-like characters is a token, a sealed entry, a script hash or a key hash:
// never worth showing.
const LONG_RUN = /[A-Za-z0-9+/_=.-]{32,}/g;
// Redis echoes the arguments of a command it does not know ("ERR unknown command 'evalsha', with
// args beginning with: …"): key names, lock owners, sealed entries.
const ECHOED_ARGUMENTS = /,?\s*with args beginning with:.*$/is;
const QUOTED = /'[^']*'|"[^"]*"/g;
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/**
 * A one-line description of an error from ioredis or Redis that is safe to hand on (in an event, a
 * log): its name, its code and its message with every echoed argument, quoted value and token-like
 * run removed, truncated. The error itself is never passed on: ioredis attaches the command and its
 * arguments (a sealed token, key names) to it.
 */
export function summarizeError(error: unknown): string {
  if (!(error instanceof Error)) return `a non-error value was thrown (${typeof error})`;
  const name = safeWord(error.name) ?? 'Error';
  const code = safeWord((error as { code?: unknown }).code) ?? replyCode(error.message);
  const message = (code !== undefined && error.message.startsWith(`${code} `) ? error.message.slice(code.length + 1) : error.message)
    .replace(ECHOED_ARGUMENTS, ' (arguments not shown)')
    .replace(QUOTED, (quoted) => (quoted.length <= 18 ? quoted : '(…)'))
    .replace(LONG_RUN, '(…)')
    .replace(CONTROL, ' ')
    .trim();
  const text = `${name}${code === undefined ? '' : ` [${code}]`}: ${message}`;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

// Redis error replies start with an upper-case code: ERR, NOPERM, READONLY, WRONGTYPE, MOVED…
function replyCode(message: string): string | undefined {
  return /^([A-Z][A-Z_]{1,19})\s/.exec(message)?.[1];
}

function safeWord(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(value) ? value : undefined;
}
