/**
 * The APS hosts the emulator answers for when it intercepts an app's traffic: the production host every APS API
 * lives on, and the two other environments Autodesk's Node.js SDK knows (`AdskEnvironment.Dev` and `.Stg`,
 * reference §6), and userinfo's host (`api.userprofile.autodesk.com`, reference §2, S2 `get-user-info`), where
 * the emulator answers `GET /userinfo`. Serving dev and staging like production, and every emulated path on
 * every one of these hosts (routing is by path only), is the emulator's choice.
 *
 * @example
 * ```ts
 * APS_HOSTS.includes(new URL(url).hostname);
 * ```
 */
export const APS_HOSTS: readonly string[] = Object.freeze([
  'developer.api.autodesk.com',
  'developer-dev.api.autodesk.com',
  'developer-stg.api.autodesk.com',
  'api.userprofile.autodesk.com',
]);

/** Host names are compared as DNS does: case-insensitively, a trailing dot ignored. */
function canonical(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

export function isApsHost(host: string): boolean {
  return APS_HOSTS.includes(canonical(host));
}

/** Loopback traffic never leaves the machine, so the switch lets it through unrouted (the emulator itself, a local Redis…). */
export function isLoopbackHost(host: string): boolean {
  const name = canonical(host);
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '::1' || /^::ffff:127(\.\d{1,3}){3}$/.test(name);
}
