/**
 * `promise`, or the rejection of `signal`'s reason as soon as it aborts: what a token store's `refresh()` does with
 * the `signal` of its `TokenStoreRefreshOptions`, so that a closing provider stops waiting on a flight another one
 * still runs. The flight itself is not cancelled.
 *
 * @example
 * ```ts
 * refresh(key, exchange, { signal }) {
 *   const flight = this.#flightFor(key, exchange);
 *   return signal === undefined ? flight : abortable(flight, signal);
 * }
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
