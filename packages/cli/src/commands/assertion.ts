import { createAssertion } from '@aps-ssa/core';
import type { AssertionSigner } from '@aps-ssa/core';
import { decodeJwt } from '@aps-ssa/core/adapter';
import type { CommandSpec } from '../command.js';
import type { CliIo } from '../io.js';
import { writeJson, writeLines } from '../output.js';
import { readConfig } from '../service-account-config.js';
import type { SigningConfig } from '../service-account-config.js';
import { SIGNER_FLAG, loadSignerModule } from '../signer-module.js';

/** Signs an assertion for the configured service account, valid from now, with its key or with `signer`. */
export function signAssertion(config: SigningConfig, io: CliIo, signer?: AssertionSigner): Promise<string> {
  return createAssertion({
    clientId: config.clientId,
    serviceAccountId: config.serviceAccountId,
    ...(signer === undefined ? { keyId: config.keyId, privateKey: config.privateKey } : { signer }),
    scopes: config.scopes,
    now: io.now,
  });
}

export const assertionCommand: CommandSpec = {
  name: 'assertion',
  summary: 'sign a JWT assertion with the service account key and print it',
  description:
    'Signs the JWT assertion that the token exchange sends (RS256, kid = APS_SA_KEY_ID, iss = APS_CLIENT_ID,\n' +
    'sub = APS_SA_ID, aud = the APS token URL, scope = APS_SCOPES, expiring in 4 minutes) and prints it, to\n' +
    'inspect it (e.g. on jwt.io, or with `aps-ssa decode`) or to exchange it with another tool.\n' +
    'The assertion is a credential until it expires: do not paste it where others can read it.\n' +
    'With --signer MODULE, a key held in an HSM or KMS signs it (see @aps-ssa/pkcs11).',
  flags: SIGNER_FLAG,
  examples: [
    'aps-ssa assertion --env-file .env',
    'aps-ssa assertion --env-file .env | aps-ssa decode -',
    'aps-ssa assertion --env-file .env --json',
    'aps-ssa assertion --env-file .env --signer ./hsm-signer.mjs',
  ],
  async run(context) {
    const signer = await loadSignerModule(context);
    const config = readConfig(context, signer);
    const assertion = await signAssertion(config, context.io, signer).finally(() => signer?.close?.());
    if (context.json) {
      const decoded = decodeJwt(assertion);
      writeJson(context.io, { assertion, header: decoded?.header, claims: decoded?.claims });
    } else {
      writeLines(context.io, [assertion]);
    }
    return 0;
  },
};
