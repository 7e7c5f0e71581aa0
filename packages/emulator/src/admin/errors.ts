import type { RequestContext } from '../http/request-context.js';

/** SSA responses carry this content type, even on 204 (reference §1, the D-delete examples). */
export const SSA_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The `title`s of SSA error bodies (reference §1, S3); `forbidden` is the emulator's choice, see below. */
export type SsaErrorTitle = 'invalid_request' | 'unauthorized' | 'forbidden' | 'invalid_client' | 'limit_exceeded' | 'not_found';

/**
 * The `detail` texts of reference §1 (S3; ✓ ones also in the current D pages), verbatim. Texts APS does not
 * document are marked [U] and follow the documented ones' wording.
 */
export const SSA_DETAILS = {
  tokenInvalid: 'The token has expired or is invalid.',
  notTwoLegged: 'The token should be a two-legged token.',
  /**
   * A 2-legged token without the operation's scope. The current D pages list this 403 text without a body [U];
   * the emulator answers it in the SSA `{title, detail}` shape with `title: 'forbidden'`, the 403 of RFC 6750 §3.1.
   */
  missingScope: 'The request was successfully validated but lacked the required permissions.',
  // The other `name` texts (empty, length, characters) are built per field by `checkAccountName`.
  nameExists: "The 'name' already exists.",
  notServerToServer: 'The client is not a server-to-server application.',
  onBehalf: 'The client is not allowed to create service accounts on behalf of other server-to-server applications.',
  accountLimit: 'The number of service accounts has exceeded the limit.',
  accountNotFound: 'The service account is not found.',
  accountAlreadyEnabled: 'The service account is already in an enabled state.',
  accountAlreadyDisabled: 'The service account is already in a disabled state.',
  accountNotEnabled: 'The service account is not currently in an enabled state.',
  keyLimit: 'The number of keys has exceeded the limit.',
  keyNotFound: 'The key is not found.',
  keyAlreadyEnabled: 'The key is already in an enabled state.',
  // S3 prints "an disabled"; the D pages' account text reads "a disabled", and so does this one.
  keyAlreadyDisabled: 'The key is already in a disabled state.',
  /** [U] */
  bodyNotJson: 'The request body should be a JSON object.',
  /** [U] */
  bodyTooLarge: 'The request body is too large.',
  /** [U] */
  statusInvalid: "The 'status' should be either 'ENABLED' or 'DISABLED'.",
} as const;

/** Answers APS's SSA error body `{title, detail}`; the `title` is the outcome counted and logged. */
export function sendSsaError(ctx: RequestContext, status: number, title: SsaErrorTitle, detail: string): void {
  ctx.sendJson(status, { title, detail }, { outcome: title, message: detail, contentType: SSA_CONTENT_TYPE });
}
