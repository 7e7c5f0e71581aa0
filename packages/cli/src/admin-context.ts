import { configFromEnv, SsaConfigError, SsaOptionError } from '@aps-ssa/core';
import { environmentFetch } from '@aps-ssa/core/adapter';
import { createAdminClient } from '@aps-ssa/core/admin';
import type { AdminClient } from '@aps-ssa/core/admin';
import { UsageError } from './cli-error.js';
import { stringFlag } from './command.js';
import type { CommandContext } from './command.js';
import { commandEnv } from './service-account-config.js';

// The admin API needs only the app's credentials and the base URL, not a service account's key.
export const ADMIN_VARIABLES = ['APS_CLIENT_ID', 'APS_CLIENT_SECRET', 'APS_BASE_URL'];

// How the CLI spells what core's admin client calls an option.
const ARGUMENT_NAMES: Readonly<Record<string, string>> = {
  name: '--name',
  firstName: '--first-name',
  lastName: '--last-name',
  serviceAccountId: 'The service account id',
  keyId: 'The key id',
};

/**
 * The command's environment, after checking `variables` as `configFromEnv` checks them (its problems with other
 * variables do not matter to the caller).
 *
 * @throws {SsaConfigError} naming each of `variables` that is missing or malformed.
 */
export function requireVariables(context: CommandContext, variables: readonly string[]): NodeJS.ProcessEnv {
  const env = commandEnv(context);
  try {
    configFromEnv(env);
  } catch (error) {
    if (!(error instanceof SsaConfigError)) throw error;
    const problems = error.problems.filter((p) => variables.includes(p.variable));
    if (problems.length > 0) throw new SsaConfigError(problems);
  }
  return env;
}

/**
 * An admin API client from APS_CLIENT_ID, APS_CLIENT_SECRET and APS_BASE_URL.
 *
 * @throws {SsaConfigError} naming each of those variables that is missing or malformed.
 */
export function adminClient(context: CommandContext): AdminClient {
  return adminFromEnv(requireVariables(context, ADMIN_VARIABLES));
}

/** An admin API client from variables already checked, through the proxy they set (see `environmentFetch`). */
export function adminFromEnv(env: NodeJS.ProcessEnv): AdminClient {
  return createAdminClient({
    clientId: env.APS_CLIENT_ID ?? '',
    clientSecret: env.APS_CLIENT_SECRET ?? '',
    fetch: environmentFetch(env),
    ...(env.APS_BASE_URL ? { baseUrl: env.APS_BASE_URL } : {}),
  });
}

/** The service account of a command: `--account ID`, else APS_SA_ID. */
export function accountId(context: CommandContext): string {
  const id = stringFlag(context, 'account') || context.env.APS_SA_ID;
  if (!id) throw new UsageError('Missing --account ID (or set APS_SA_ID).', context.command);
  return id;
}

/** Runs an admin call; an argument core refuses (a malformed id or name) is a usage error naming the flag. */
export async function adminCall<T>(context: CommandContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof SsaOptionError) || ARGUMENT_NAMES[error.option] === undefined) throw error;
    throw new UsageError(
      error.message.replace(/`(\w+)`/g, (quoted: string, name: string) => ARGUMENT_NAMES[name] ?? quoted),
      context.command,
    );
  }
}

/** The `--account` flag of the key commands. */
export const ACCOUNT_FLAG = { type: 'string', value: 'ID', description: 'the service account (default: APS_SA_ID)' } as const;
