/**
 * Cancels the unread bodies of `messages`, without waiting. A request body is a branch of a tee (ky keeps a copy for
 * its retries, `createApsClient()` one for a replay), and cancelling one branch settles only once every branch is
 * cancelled or read: waiting here would wait for ky, which waits for this request to settle.
 *
 * @example
 * ```ts
 * discard(response); // a redirect that is followed: its body is never read
 * ```
 */
export function discard(...messages: ReadonlyArray<Request | Response | undefined>): void {
  for (const message of messages) if (message?.body && !message.bodyUsed) message.body.cancel().catch(() => undefined);
}
