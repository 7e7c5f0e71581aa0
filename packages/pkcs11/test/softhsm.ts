import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** SoftHSM2's PKCS#11 module (Debian's `softhsm2`), or SOFTHSM2_MODULE. */
export const SOFTHSM2_MODULE = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const SOFTHSM2_UTIL = process.env.SOFTHSM2_UTIL ?? 'softhsm2-util';

/** Whether SoftHSM2 is installed; under CI=true its absence is an error, never a skip. */
export function softHsmAvailability(): { available: boolean } {
  const probe = spawnSync(SOFTHSM2_UTIL, ['--version'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0 && existsSync(SOFTHSM2_MODULE)) return { available: true };
  const reason = `SoftHSM2 (\`${SOFTHSM2_UTIL}\` and ${SOFTHSM2_MODULE}) was not found (install it: \`apt-get install softhsm2\`)`;
  if (process.env.CI === 'true') throw new Error(`The PKCS#11 tests need SoftHSM2 and CI=true forbids skipping them: ${reason}.`);
  console.warn(`Skipping the PKCS#11 tests: ${reason}.`);
  return { available: false };
}

/** A SoftHSM2 token of this test file's own, in a temp folder (its SOFTHSM2_CONF), initialised with a user PIN. */
export interface SoftHsmToken {
  readonly module: string;
  readonly token: string;
  readonly pin: string;
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * Writes a SoftHSM2 config into a new temp folder, points SOFTHSM2_CONF at it (SoftHSM2 reads it when the module
 * is initialised) and initialises a token there, so that no test shares a token with another or with the machine.
 */
export async function createSoftHsmToken(label = 'aps-ssa-test'): Promise<SoftHsmToken> {
  const dir = await mkdtemp(join(tmpdir(), 'aps-ssa-softhsm-'));
  const tokens = join(dir, 'tokens');
  await mkdir(tokens);
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  const pin = `user-${Math.random().toString(36).slice(2, 10)}`;
  const init = spawnSync(SOFTHSM2_UTIL, ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', `so-${pin}`], {
    encoding: 'utf8',
    env: { ...process.env, SOFTHSM2_CONF: conf },
  });
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr || init.stdout}`);
  return { module: SOFTHSM2_MODULE, token: label, pin, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
