import type { ServiceAccountKey } from '@aps-ssa/core/admin';

/** What `keys retire` may do with an account's keys: the key in use, the keys it replaced, and when they may go. */
export interface KeyRetirement {
  /** The newest enabled key (the last listed of those created at the newest time). */
  readonly current: ServiceAccountKey | undefined;
  /** Enabled keys a newer key replaced: created strictly before the newest enabled key. */
  readonly replaced: readonly ServiceAccountKey[];
  /** When the replaced keys may be retired (ms since the epoch): the newest key's creation plus the grace. */
  readonly retireAfter: number;
}

/**
 * Which enabled keys a newer one replaced. APS reports creation times to the second on its newer pages (reference §1),
 * so two keys made in the same second (a rotation right after a create) tie: neither is then known to be older, and
 * neither counts as replaced, so the key in use is never retired by a guess.
 *
 * @example
 * ```ts
 * const { replaced, retireAfter } = keyRetirement(await admin.listKeys(id), 70 * 60_000);
 * ```
 */
export function keyRetirement(keys: readonly ServiceAccountKey[], grace: number): KeyRetirement {
  const enabled = keys.filter((key) => key.status === 'ENABLED');
  const current = enabled.reduce<ServiceAccountKey | undefined>((a, b) => (a === undefined || b.createdAt >= a.createdAt ? b : a), undefined);
  if (current === undefined) return { current, replaced: [], retireAfter: 0 };
  const newest = current.createdAt.getTime();
  return { current, replaced: enabled.filter((key) => key.createdAt.getTime() < newest), retireAfter: newest + grace };
}
