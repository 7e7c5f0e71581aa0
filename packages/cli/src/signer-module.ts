import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AssertionSigner } from '@aps-ssa/core';
import { CliError } from './cli-error.js';
import type { CommandContext, FlagSpec } from './command.js';

/** The `--signer` flag of `assertion`, `token` and `doctor`. */
export const SIGNER_FLAG: Readonly<Record<string, FlagSpec>> = {
  signer: {
    type: 'string',
    value: 'MODULE',
    description:
      'sign with a key held elsewhere (an HSM, a KMS): a module whose default export is a signer { kid, sign } or a ' +
      'function of the environment returning one; APS_SA_PRIVATE_KEY* and APS_SA_KEY_ID are then not read',
  },
};

/**
 * The signer that `--signer MODULE` names, if given: the module's default export, called with the command's
 * environment when it is a function (e.g. `export default (env) => openPkcs11Signer({ ..., env })`).
 * A relative path is taken from the command's working directory; a bare name is a package.
 *
 * @throws {CliError} `ERR_CLI_SIGNER` when the module cannot be loaded or exports no signer.
 */
export async function loadSignerModule(context: CommandContext): Promise<(AssertionSigner & { close?(): Promise<void> }) | undefined> {
  const name = context.flags.signer;
  if (typeof name !== 'string') return undefined;
  const specifier = isAbsolute(name) || name.startsWith('.') ? pathToFileURL(resolve(context.io.cwd, name)).href : name;
  let exported: unknown;
  try {
    exported = ((await import(specifier)) as { default?: unknown }).default;
  } catch (error) {
    throw new CliError('ERR_CLI_SIGNER', `Cannot load the signer module ${name} (${(error as Error).name}: check the path).`);
  }
  const signer: unknown = typeof exported === 'function' ? await (exported as (env: NodeJS.ProcessEnv) => unknown)({ ...context.env }) : exported;
  const candidate = signer as Partial<AssertionSigner> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.sign !== 'function' || typeof candidate.kid !== 'string') {
    throw new CliError(
      'ERR_CLI_SIGNER',
      `The signer module ${name} must export by default a signer { kid, sign(signingInput) } or a function returning one.`,
    );
  }
  return candidate as AssertionSigner & { close?(): Promise<void> };
}
