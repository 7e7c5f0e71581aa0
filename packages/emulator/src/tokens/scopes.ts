/** The scopes of D-scopes (reference §6), in the order of S2's OIDC `scopes_supported`, which lists exactly these. */
export const DOCUMENTED_SCOPES: readonly string[] = [
  'user-profile:read',
  'user:read',
  'user:write',
  'viewables:read',
  'data:read',
  'data:write',
  'data:create',
  'data:search',
  'bucket:create',
  'bucket:read',
  'bucket:update',
  'bucket:delete',
  'code:all',
  'account:read',
  'account:write',
  'openid',
];

/** The documented APS scopes (reference §6, D-scopes, S1/S2): those above and S1's SSA admin scopes. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  ...DOCUMENTED_SCOPES,
  'application:service_account:read',
  'application:service_account:write',
  'application:service_account_key:read',
  'application:service_account_key:write',
]);

/** At most 50 scopes and 3000 characters per request (reference §2, D-tok). */
export const MAX_SCOPES = 50;
export const MAX_SCOPE_CHARS = 3000;

/** `data:read:<URN>` narrows `data:read` to one resource (D-scopes). */
export function isKnownScope(scope: string): boolean {
  return KNOWN_SCOPES.has(scope) || /^data:read:\S+$/.test(scope);
}

export function splitScope(value: string): string[] {
  return value.split(' ').filter((s) => s !== '');
}
