import type { Emulator } from '@aps-ssa/emulator';
import type { Workspace } from './cli-process.js';

/** A service account of the seeded app with one key, and an env file (named `<name>.env`) that uses them. */
export async function freshAccount(emulator: Emulator, ws: Workspace, name: string, overrides: Record<string, string> = {}) {
  const account = emulator.state.createServiceAccount({ clientId: emulator.seed.clientId, name });
  const key = await emulator.state.createKey(account.serviceAccountId);
  const envFile = ws.writeSeedEnv(emulator, `${name}.env`, {
    APS_SA_ID: account.serviceAccountId,
    APS_SA_KEY_ID: key.kid,
    APS_SA_PRIVATE_KEY: key.privateKey,
    ...overrides,
  });
  return { id: account.serviceAccountId, kid: key.kid, privateKey: key.privateKey, envFile };
}

/** The statuses of an account's keys, by kid. */
export function keyStatuses(emulator: Emulator, serviceAccountId: string): Record<string, string> {
  return Object.fromEntries(emulator.state.listKeys(serviceAccountId).map((key) => [key.kid, key.status]));
}
