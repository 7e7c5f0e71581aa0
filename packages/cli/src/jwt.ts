import { diagnoseAssertion } from '@aps-ssa/core';
import type { AssertionIssue, DiagnoseAssertionOptions } from '@aps-ssa/core';

/** A JWT's decoded parts (signature not verified) and the SSA-assertion issues core sees in it. */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly signatureBytes: number;
  /** Meaningful only for an SSA assertion (whose `aud` is the APS token URL). */
  readonly issues: readonly AssertionIssue[];
}

/** Decodes a compact JWT, or returns `undefined` when `text` is not one. */
export function decodeJwt(text: string, options: DiagnoseAssertionOptions = {}): DecodedJwt | undefined {
  const { header, claims, issues } = diagnoseAssertion(text, options);
  if (header === undefined || claims === undefined) return undefined;
  const signature = text.trim().split('.')[2] ?? '';
  return { header, claims, signatureBytes: Buffer.from(signature, 'base64url').length, issues };
}
