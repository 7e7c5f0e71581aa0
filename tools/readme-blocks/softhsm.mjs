// A SoftHSM2 token for the blocks marked `<!-- run: softhsm2 -->`: a SOFTHSM2_CONF of the block's own (no token
// shared with the machine or another block), a user PIN and an SO PIN, and with `token LABEL` an initialised token
// holding the emulator's seeded key, imported with the package's own `aps-ssa-pkcs11 import`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** SoftHSM2's PKCS#11 module where Debian's `softhsm2` puts it: the path the READMEs show. */
export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

let available;

/**
 * Undefined when SoftHSM2 (`softhsm2-util` and its module) is installed, else why not. Under CI=true a missing
 * SoftHSM2 is a failure of the block, never a skip.
 */
export function softHsmMissing() {
  available ??= spawnSync('softhsm2-util', ['--version']).status === 0 && existsSync(SOFTHSM2_MODULE);
  return available ? undefined : `SoftHSM2 (\`softhsm2-util\` and ${SOFTHSM2_MODULE}) is not installed: \`apt-get install softhsm2\``;
}

/**
 * Makes `dir/softhsm2.conf` with an empty token directory and resolves to the variables a block gets:
 * `SOFTHSM2_CONF`, `APS_PKCS11_PIN`, `SO_PIN`. With `token`, also initialises a token of that label and moves the
 * emulator's seeded key (`seedEnv`) into it under its key id, with `aps-ssa-pkcs11 import` (`importer`, the
 * package's bin, run by `run(command, args, cwd, env)`).
 */
export async function softHsmFor(dir, { token, seedEnv, importer, run }) {
  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { SOFTHSM2_CONF: conf, APS_PKCS11_PIN: randomBytes(6).toString('hex'), SO_PIN: randomBytes(6).toString('hex') };
  if (token === undefined) return env;
  const init = await run('softhsm2-util', ['--init-token', '--free', '--label', token, '--pin', env.APS_PKCS11_PIN, '--so-pin', env.SO_PIN], dir, env);
  if (!init.ok) throw new Error(`softhsm2-util --init-token ${init.ending}:\n${init.output}`);
  const keyFile = join(dir, 'seed-key.pem');
  writeFileSync(keyFile, seedEnv.APS_SA_PRIVATE_KEY, { mode: 0o600 });
  const args = [importer, 'import', '--module', SOFTHSM2_MODULE, '--token', token, '--kid', seedEnv.APS_SA_KEY_ID, '--key-file', keyFile];
  const moved = await run(process.execPath, args, dir, env);
  if (!moved.ok) throw new Error(`aps-ssa-pkcs11 import ${moved.ending}:\n${moved.output}`);
  return env;
}
