import { createHash } from 'node:crypto';

/** The Redis names of one token entry. They share one hash tag, so on a cluster they live on one slot. */
export interface EntryKeys {
  /** Hash `{fence, data}`: the sealed token and the fence of the holder that wrote it. Expires with the token. */
  readonly token: string;
  /** String: the lock holder's id, with an expiry (`SET NX PX`). */
  readonly lock: string;
  /** Integer: the fencing counter. Lives `FENCE_TTL` (a day) after the last lock, longer than any token or holder it orders. */
  readonly fence: string;
  /** Hash `{fence, error}`: why the last holder's exchange failed, for the instances that waited on it. Short-lived. */
  readonly failure: string;
  /** Pub/sub channel: a message each time the token is written, the lock released or an exchange failed. */
  readonly channel: string;
}

// Core's identity keys (`aps-ssa:token:v1:<base64url SHA-256>`) are used verbatim; anything else is
// hashed, so that a key can neither break the hash tag (`{`, `}`) nor reveal what it was made from.
const VERBATIM_KEY = /^[A-Za-z0-9:._-]{1,200}$/;

export function entryKeys(prefix: string, key: string): EntryKeys {
  const tag = VERBATIM_KEY.test(key) ? key : `sha256:${createHash('sha256').update(key).digest('base64url')}`;
  const base = `${prefix}{${tag}}`;
  return {
    token: `${base}:token`,
    lock: `${base}:lock`,
    fence: `${base}:fence`,
    failure: `${base}:failure`,
    channel: `${base}:updated`,
  };
}
