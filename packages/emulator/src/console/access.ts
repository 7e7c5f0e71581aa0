import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

// BlockList also matches IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) against the IPv4 subnet.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8, `::1` and their IPv4-mapped forms (`::ffff:127.x.x.x`); false for anything else. */
export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address!, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when a `Host` header names this machine: `localhost`, a `*.localhost` name (RFC 6761: never resolved
 * by DNS) or a loopback address, with or without a port. A DNS-rebinding page reaches the emulator under the
 * attacker's own host name, so refusing every other name keeps such pages out.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const match = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(host) ?? /^([^:[\]]+)(?::\d{1,5})?$/.exec(host);
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/** What a loopback-only surface is called in its refusals, and the path to suggest opening. */
export interface LoopbackSurface {
  /** `The emulator console`, `The emulator control surface`. */
  readonly name: string;
  readonly path: string;
}

/** The developer console's pages. */
export const CONSOLE_SURFACE: LoopbackSurface = { name: 'The emulator console', path: '/_emulator/console' };

/**
 * Why a loopback-only surface (the console, the `/_emulator/` control surface) refuses this request, or
 * `undefined` when it may be served. Checked on every request, reads included: a DNS-rebinding page could read
 * what a GET answers, and with the emulator bound to a non-loopback address, another machine could drive it.
 */
export function loopbackAccessProblem(req: IncomingMessage, allowRemote: boolean, surface: LoopbackSurface): string | undefined {
  if (allowRemote) return undefined;
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    return `${surface.name} is served to loopback clients only. Open it on the machine running the emulator, or start the emulator with consoleAllowRemote: true (--console-allow-remote).`;
  }
  if (!isLoopbackHost(req.headers.host)) {
    return `${surface.name} answers only to a loopback host name (localhost, 127.0.0.1, [::1]), not ${JSON.stringify(req.headers.host ?? '')}: other names could be a DNS-rebinding attack. Open http://localhost:${req.socket.localPort ?? '<port>'}${surface.path}, or start the emulator with consoleAllowRemote: true (--console-allow-remote).`;
  }
  return undefined;
}
