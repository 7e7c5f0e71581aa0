import { createAssertion } from '@aps-ssa/core';
import type { SsaConfig } from '@aps-ssa/core';
import type { CommandSpec } from '../command.js';
import type { CliIo } from '../io.js';
import { decodeJwt } from '../jwt.js';
import { writeJson, writeLines } from '../output.js';
import { readConfig } from '../service-account-config.js';

/** Signs an assertion for the configured service account, valid from now. */
export function signAssertion(config: SsaConfig, io: CliIo): Promise<string> {
  return createAssertion({
    clientId: config.clientId,
    serviceAccountId: config.serviceAccountId,
    keyId: config.keyId,
    privateKey: config.privateKey,
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
    'The assertion is a credential until it expires: do not paste it where others can read it.',
  examples: [
    'aps-ssa assertion --env-file .env',
    'aps-ssa assertion --env-file .env | aps-ssa decode -',
    'aps-ssa assertion --env-file .env --json',
  ],
  async run(context) {
    const config = readConfig(context);
    const assertion = await signAssertion(config, context.io);
    if (context.json) {
      const decoded = decodeJwt(assertion);
      writeJson(context.io, { assertion, header: decoded?.header, claims: decoded?.claims });
    } else {
      writeLines(context.io, [assertion]);
    }
    return 0;
  },
};
