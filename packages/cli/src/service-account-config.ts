import { resolve } from 'node:path';
import { configFromEnv } from '@aps-ssa/core';
import type { SsaConfig } from '@aps-ssa/core';
import type { CommandContext } from './command.js';
import { writeWarnings } from './output.js';

/**
 * The service account's configuration from the command's environment (`configFromEnv`), with a relative
 * `APS_SA_PRIVATE_KEY_FILE` taken from the command's working directory. Warnings go to stderr.
 *
 * @throws {SsaConfigError} naming every missing or malformed variable.
 */
export function readConfig(context: CommandContext): SsaConfig {
  const config = configFromEnv(commandEnv(context));
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
