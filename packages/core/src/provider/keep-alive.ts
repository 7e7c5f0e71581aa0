/** Node's longest timer delay: the interval never fires, it only holds the event loop open. */
const NEVER = 2 ** 31 - 1;

/**
 * `promise`, holding the process open until it settles. The back-off waits use unref'd timers so that an idle provider
 * never keeps a process alive; but a caller awaiting a token must get its answer, the token or the typed error, not a
 * silent exit (code 13 for a top-level `await`) while the only work left is a back-off wait.
 */
export function keptAlive<T>(promise: Promise<T>): Promise<T> {
  const handle = setInterval(() => undefined, NEVER);
  return promise.finally(() => clearInterval(handle));
}
