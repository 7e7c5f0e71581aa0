import { formatGoTime, type GoTimeForm } from '../lib/go-time.js';
import type { KeyRecord, ServiceAccountRecord } from '../state/state.js';

const goTime = (ms: number | undefined): string => (ms === undefined ? '' : formatGoTime(ms));

/** A service account as APS's "details" show it (reference §1): every field a string; `accessedAt` '' before first use. */
export function serviceAccountView(account: ServiceAccountRecord) {
  return {
    serviceAccountId: account.serviceAccountId,
    email: account.email,
    createdBy: account.clientId,
    status: account.status,
    createdAt: goTime(account.createdAt),
    accessedAt: goTime(account.accessedAt),
    expiresAt: goTime(account.expiresAt),
  };
}

/** A key as Get All Keys lists it (reference §1): never the key material; `accessedAt` '' before first use. */
export function keyView(key: KeyRecord) {
  return { kid: key.kid, status: key.status, createdAt: goTime(key.createdAt), accessedAt: goTime(key.accessedAt) };
}

// What the admin endpoints answer, with times in `form`. Every S1 example shows `accessedAt` equal to `createdAt` to
// the nanosecond, so APS presumably sets it at creation [U], and the spec's `date-time` leaves no room for ''. The
// control surface keeps '' (the console shows "never used").
export function serviceAccountDetails(account: ServiceAccountRecord, form: GoTimeForm) {
  return {
    ...serviceAccountView(account),
    createdAt: formatGoTime(account.createdAt, form),
    accessedAt: formatGoTime(account.accessedAt ?? account.createdAt, form),
    expiresAt: formatGoTime(account.expiresAt, form),
  };
}

export function keyDetails(key: KeyRecord, form: GoTimeForm) {
  return { ...keyView(key), createdAt: formatGoTime(key.createdAt, form), accessedAt: formatGoTime(key.accessedAt ?? key.createdAt, form) };
}
