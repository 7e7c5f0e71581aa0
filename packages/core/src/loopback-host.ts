import { isIPv4 } from 'node:net';

/** This machine's names besides 127.0.0.0/8, as the WHATWG URL parser writes them in `hostname`. */
const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

/**
 * Whether a parsed URL's `hostname` is this machine, where the emulator listens: the one place plain `http:` is
 * allowed (a base URL, and a token sent over it), and where a refused connection means "the emulator is not running".
 * Internal. Give it `new URL(…).hostname`: the parser has already lowercased names and canonicalised IPv4 forms such as
 * `127.1` to `127.0.0.1`.
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || (isIPv4(hostname) && hostname.startsWith('127.'));
}
