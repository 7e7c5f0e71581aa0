import { resolve } from 'node:path';
import { configFromEnv } from '@aps-ssa/core';
import type { AssertionSigner, SsaConfig } from '@aps-ssa/core';
import { configFromEnvWithoutKey } from '@aps-ssa/core/adapter';
import type { CommandContext } from './command.js';
import { writeWarnings } from './output.js';

/** A configuration whose private key may be held by a `--signer` instead (then `privateKey` is absent). */
export type SigningConfig = Omit<SsaConfig, 'privateKey'> & { readonly privateKey?: SsaConfig['privateKey'] };

/**
 * The service account's configuration from the command's environment (`configFromEnv`), with a relative
 * `APS_SA_PRIVATE_KEY_FILE` taken from the command's working directory. Warnings go to stderr. With a `signer`,
 * the key variables are not read and the key id is the signer's `kid`.
 *
 * @throws {SsaConfigError} naming every missing or malformed variable.
 */
export function readConfig(context: CommandContext, signer?: AssertionSigner): SigningConfig {
  const env = commandEnv(context);
  const config = signer === undefined ? configFromEnv(env) : configFromEnvWithoutKey(env, { keyId: signer.kid });
  writeWarnings(context.io, context.command, config.warnings);
  return config;
}

/** The environment as core reads it: a plain copy, with the key file path made absolute. */
export function commandEnv(context: CommandContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...context.env };
  const keyFile = env.APS_SA_PRIVATE_KEY_FILE;
  // Core reads a leading ~/ as the home directory; anything else relative is relative to the command's directory.
  if (keyFile !== undefined && keyFile !== '' && !keyFile.startsWith('~')) env.APS_SA_PRIVATE_KEY_FILE = resolve(context.io.cwd, keyFile);
  return env;
}
