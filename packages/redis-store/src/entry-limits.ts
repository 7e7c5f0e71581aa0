/**
 * The largest sealed value the store reads from Redis, in bytes: a sealed token (`P{K}:token` field `data`) or a
 * sealed failure record (`P{K}:failure` field `error`). An APS token is a JWT of 1-2 KB; sealed (AES-GCM, base64url)
 * it stays far below this. Redis's scripts measure a value before returning it, so a larger one (planted, or a
 * corrupted write) never crosses the network, let alone reaches this process's memory: it is rejected as
 * `too-large`.
 */
export const MAX_SEALED_BYTES = 65_536;

/**
 * Fences are decimal integers of at most 15 digits, below this: safe integers in JavaScript and exact in Lua's
 * doubles, with room for the `+ 1` of the next holder. A counter or stored fence that is not one (a float, `1e300`,
 * text) is rejected as `invalid-fence` and rebuilt.
 */
export const MAX_FENCE = 999_999_999_999_998;

/**
 * How long a fencing counter lives after the last lock taken with it, in ms: far beyond any lock or token lifetime
 * (a fence only has to outlive the tokens and the holders it orders), so that an identity no longer used leaves
 * nothing behind in Redis for longer than a day.
 */
export const FENCE_TTL = 24 * 3_600_000;
