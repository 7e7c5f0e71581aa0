import type { TokenProvider } from '@aps-ssa/core';
import { expect } from 'vitest';

/** One direct call of an adapter's middleware: whether it has continued (called `next`), what it put on the request, and its end. */
export interface MiddlewareCall {
  readonly continued: () => boolean;
  readonly context: () => unknown;
  readonly done: Promise<unknown>;
}

/**
 * Checks that a middleware continues a request in the same turn when the token is fresh and waits for it when none
 * is: the first `call()` (cold cache) has not continued when it returns, the second (warm) has, with the same context.
 */
export async function expectSameTurn(call: () => MiddlewareCall, provider: TokenProvider): Promise<void> {
  const cold = call();
  expect(cold.continued()).toBe(false);
  await cold.done;
  expect(cold.continued()).toBe(true);
  const warm = call();
  // next() already ran, before the middleware returned: no promise turn on a warm cache.
  expect(warm.continued()).toBe(true);
  await warm.done;
  expect(warm.context()).toBe(cold.context());
  expect(provider.stats).toMatchObject({ exchanges: 1, cacheMisses: 1, cacheHits: 1 });
}
