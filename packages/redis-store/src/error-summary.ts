import { safeCause } from '@aps-ssa/core/adapter';

const MAX_MESSAGE = 200;
// Redis echoes the arguments of a command it does not know ("ERR unknown command 'evalsha', with
// args beginning with: …"), and quotes the values it complains about: key names, lock owners, sealed entries.
const ECHOED_ARGUMENTS = /,?\s*with args beginning with:.*$/is;
const QUOTED = /'[^']*'|"[^"]*"/g;

/**
 * A one-line description of an error from ioredis or Redis that is safe to hand on (in an event, a
 * log): its name, its code (a Redis reply's `ERR`, `NOPERM`… included) and its message without what
 * Redis echoes, then scrubbed by core's `safeCause` (secret-looking runs, credentials, control
 * characters), truncated. The error itself is never passed on: ioredis attaches the command and its
 * arguments (a sealed token, key names) to it.
 */
export function summarizeError(error: unknown): string {
  if (!(error instanceof Error)) return `a non-error value was thrown (${typeof error})`;
  const echoFree = error.message.replace(ECHOED_ARGUMENTS, ' (arguments not shown)').replace(QUOTED, (quoted) => (quoted.length <= 18 ? quoted : '(…)'));
  const summary = safeCause(Object.assign(new Error(echoFree), { name: error.name, code: (error as { code?: unknown }).code }), []) as Error & { code?: string };
  const code = summary.code ?? replyCode(summary.message);
  const message = code !== undefined && summary.message.startsWith(`${code} `) ? summary.message.slice(code.length + 1) : summary.message;
  const text = `${summary.name}${code === undefined ? '' : ` [${code}]`}: ${message.trim()}`;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

// Redis error replies start with an upper-case code: ERR, NOPERM, READONLY, WRONGTYPE, MOVED…
function replyCode(message: string): string | undefined {
  return /^([A-Z][A-Z_]{1,19})\s/.exec(message)?.[1];
}
