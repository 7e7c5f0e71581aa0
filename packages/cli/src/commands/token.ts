import { exchangeAssertion } from '@aps-ssa/core';
import { decodeJwt, environmentFetch } from '@aps-ssa/core/adapter';
import type { CommandSpec } from '../command.js';
import { formatIso } from '../human-time.js';
import { writeJson, writeLines } from '../output.js';
import { commandEnv, readConfig } from '../service-account-config.js';
import { SIGNER_FLAG, loadSignerModule } from '../signer-module.js';
import { signAssertion } from './assertion.js';

export const tokenCommand: CommandSpec = {
  name: 'token',
  summary: 'exchange an assertion for a three-legged access token and print it',
  description:
    'Signs an assertion and exchanges it at the APS token endpoint (APS_BASE_URL) for an access token of the\n' +
    'service account. Prints just the token, for $(aps-ssa token) in a shell. With --json, prints its metadata\n' +
    '(expiresAt, scopes, jti) and leaves the token out unless --show-token is given.',
  flags: {
    'show-token': { type: 'boolean', description: 'with --json, include the access token (accessToken)' },
    ...SIGNER_FLAG,
  },
  examples: [
    'aps-ssa token --env-file .env',
    'curl -H "Authorization: Bearer $(aps-ssa token --env-file .env)" https://developer.api.autodesk.com/...',
    'aps-ssa token --env-file .env --json',
  ],
  async run(context) {
    const signer = await loadSignerModule(context);
    const config = readConfig(context, signer);
    const assertion = await signAssertion(config, context.io, signer).finally(() => signer?.close?.());
    const result = await exchangeAssertion({
      baseUrl: config.baseUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      assertion,
      now: context.io.now,
      fetch: environmentFetch(commandEnv(context)),
    });
    if (!context.json) {
      writeLines(context.io, [result.accessToken]);
      return 0;
    }
    const jti = decodeJwt(result.accessToken)?.claims.jti;
    writeJson(context.io, {
      tokenType: result.tokenType,
      expiresIn: result.expiresIn,
      expiresAt: formatIso(context.io.now() + result.expiresIn * 1000),
      scopes: result.scopes,
      ...(typeof jti === 'string' ? { jti } : {}),
      ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
      ...(context.flags['show-token'] === true ? { accessToken: result.accessToken } : {}),
    });
    return 0;
  },
};
