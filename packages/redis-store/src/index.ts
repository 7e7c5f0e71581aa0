export { createRedisTokenStore, RedisTokenStore } from './redis-token-store.js';
export {
  DEFAULT_COMMAND_TIMEOUT,
  DEFAULT_LOCK_TTL,
  DEFAULT_POLL_INTERVAL,
  DEFAULT_PREFIX,
  DEFAULT_WAIT_TIMEOUT,
} from './redis-token-store-options.js';
export type { RedisTokenStoreOptions } from './redis-token-store-options.js';
export type { EntryRejectedReason, RedisTokenStoreEvent } from './redis-token-store-event.js';
export { FENCE_TTL, MAX_FENCE, MAX_SEALED_BYTES } from './entry-limits.js';
export type { RedisClient } from './redis-client.js';
