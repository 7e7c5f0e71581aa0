/**
 * The scopes APS documents (reference §6: D-scopes, S1/S2), the SSA admin scopes included. A scope outside them is
 * not refused here (APS may know more than it documents); it is named as the likely cause when APS rejects the
 * assertion, and flagged by `aps-ssa doctor`.
 */
const DOCUMENTED_SCOPES: ReadonlySet<string> = new Set([
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
  'application:service_account:read',
  'application:service_account:write',
  'application:service_account_key:read',
  'application:service_account_key:write',
]);

/** What joins or wraps scopes in a list (`a,b`, `["a","b"]`, `a b`) and so never appears inside one. */
const SCOPE_LIST_MARKS = /[\s,[\]"]/;

/** Whether `scope` is a documented APS scope, or `data:read:<URN>` (D-scopes: `data:read` narrowed to one resource). */
export function isDocumentedScope(scope: string): boolean {
  return DOCUMENTED_SCOPES.has(scope) || /^data:read:\S+$/.test(scope);
}

/**
 * Why `scope` looks like several scopes written as one string (a comma, bracket, quote or space inside it), with the
 * array they were probably meant as; `undefined` when it is a single scope.
 */
export function scopeListProblem(scope: string): string | undefined {
  if (!SCOPE_LIST_MARKS.test(scope)) return undefined;
  const meant = scope.split(/[\s,[\]"]+/).filter((s) => s !== '');
  return (
    `is ${JSON.stringify(scope)}, which holds a comma, bracket, quote or space: give each scope as its own array ` +
    `element, e.g. ${JSON.stringify(meant).replaceAll('"', "'").replaceAll(',', ', ')}`
  );
}
