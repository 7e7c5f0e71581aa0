import { parseArgs } from 'node:util';
import { SsaError } from '@aps-ssa/core';
import { moveKeyFileToToken } from './move-key-file.js';
import { PIN_FILE_VARIABLE, PIN_VARIABLE } from './token-pin.js';

const USAGE = `Usage: aps-ssa-pkcs11 import --module PATH --token LABEL --kid KID --key-file PATH [--pin-file PATH]

Moves the private key that APS's Create Key returned (saved by \`aps-ssa keys create --out PATH\`) into a PKCS#11
token: imports it as a sensitive, non-extractable signing key labelled KID, checks that the token signs with it,
then overwrites the file with zeros, flushes it and removes it. The token's user PIN is read from --pin-file,
${PIN_FILE_VARIABLE} or ${PIN_VARIABLE}; it is never printed.

  --module PATH    the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
  --token LABEL    the token's label
  --kid KID        the key id Create Key returned (APS_SA_KEY_ID): the key's label on the token
  --key-file PATH  the PEM file to move into the token (removed afterwards)
  --pin-file PATH  a file holding the token's user PIN`;

/**
 * The `aps-ssa-pkcs11` command line: `import` moves a key file into a token. Resolves to the exit code
 * (0 done, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * process.exitCode = await pkcs11Main(process.argv.slice(2), process.env, console.log, console.error);
 * ```
 */
export async function pkcs11Main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        module: { type: 'string' },
        token: { type: 'string' },
        kid: { type: 'string' },
        'key-file': { type: 'string' },
        'pin-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  const { module, token, kid } = values;
  const keyFile = values['key-file'];
  if (positionals[0] !== 'import' || positionals.length !== 1 || !module || !token || !kid || !keyFile) {
    err(USAGE);
    return 2;
  }
  const pinFile = values['pin-file'];
  try {
    await moveKeyFileToToken({ module, token, kid, keyFile, env, ...(pinFile === undefined ? {} : { pinFile }) });
  } catch (error) {
    if (!(error instanceof SsaError)) throw error;
    err(`aps-ssa-pkcs11 import: ${error.message} (${error.code})`);
    return 1;
  }
  out(`Moved key ${kid} into token "${token}" and removed ${keyFile}. Sign with it through openPkcs11Signer().`);
  return 0;
}
