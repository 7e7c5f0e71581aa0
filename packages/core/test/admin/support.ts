import { afterAll, beforeAll } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { AppRecord, Emulator } from '@aps-ssa/emulator';
import { createAdminClient } from '../../src/admin/admin-client.js';
import type { AdminClient } from '../../src/admin/admin-client.js';
import type { AdminClientOptions } from '../../src/admin/admin-types.js';

/** Starts one emulator for the file (rate limits off unless asked), closed after it. */
export function useAdminEmulator(options: { rateLimit?: number } = {}): { readonly emulator: Emulator } {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: options.rateLimit ?? 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return {
    get emulator() {
      if (emulator === undefined) throw new Error('The emulator starts in beforeAll.');
      return emulator;
    },
  };
}

/** A fresh server-to-server app, so that no test inherits another's 10-account limit. */
export function freshApp(emulator: Emulator, type: AppRecord['type'] = 'server-to-server'): AppRecord {
  return emulator.state.createApp({ name: 'core-admin-test', type });
}

/** An admin client of `app` against the emulator. */
export function adminClient(emulator: Emulator, app: { clientId: string; clientSecret: string }, extra: Partial<AdminClientOptions> = {}): AdminClient {
  return createAdminClient({ clientId: app.clientId, clientSecret: app.clientSecret, baseUrl: emulator.url, ...extra });
}

let counter = 0;
/** A fresh valid service-account name. */
export function uniqueName(prefix = 'core-account'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

export const person = { firstName: 'Robot', lastName: 'Account' } as const;

/** The settled rejection of a promise (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}
