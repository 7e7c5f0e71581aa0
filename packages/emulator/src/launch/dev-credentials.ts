import { startEmulator } from '../emulator.js';
import type { Emulator } from '../emulator.js';
import type { EmulatorOptions } from '../options.js';

/** The variables that name an identity: when none is set, there is nothing to talk to APS with. */
const IDENTITY_VARIABLES = ['APS_CLIENT_ID', 'APS_CLIENT_SECRET', 'APS_SA_ID', 'APS_SA_KEY_ID', 'APS_SA_PRIVATE_KEY', 'APS_SA_PRIVATE_KEY_FILE'];

/** What {@link devCredentials} resolved. */
export interface DevCredentials {
  /** The environment to configure aps-ssa from: the given one, or the emulator's seeded `APS_*` over it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The embedded emulator, when one was started. */
  readonly emulator: Emulator | undefined;
  /** Stops the embedded emulator, if any. */
  close(): Promise<void>;
}

/** Options of {@link devCredentials}. */
export interface DevCredentialsOptions {
  /**
   * The environment to look at.
   *
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Where to say that the emulator was started (one line each for its URL and console).
   *
   * @default console.log
   */
  log?: (line: string) => void;
  /**
   * Options of the embedded emulator.
   *
   * @default { port: 0, console: true }
   */
  emulator?: EmulatorOptions;
}

/**
 * Credentials for a sample app or a local run: with no `APS_*` identity variable set, starts the
 * emulator in-process (console on) and returns its seeded app, service account and key as `env`;
 * with any of them set, returns the environment unchanged, so aps-ssa talks to APS (and reports any
 * variable still missing).
 *
 * @example
 * ```ts
 * const dev = await devCredentials();
 * app.use(ssaTokenMiddleware({ env: dev.env }));
 * process.on('SIGTERM', () => void dev.close());
 * ```
 */
export async function devCredentials(options: DevCredentialsOptions = {}): Promise<DevCredentials> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  if (IDENTITY_VARIABLES.some((name) => env[name] !== undefined && env[name] !== '')) {
    return { env, emulator: undefined, close: async () => {} };
  }
  const emulator = await startEmulator({ port: 0, console: true, ...options.emulator });
  log(`No APS_* credentials set: using the embedded APS emulator at ${emulator.url} (no Autodesk account needed).`);
  if (emulator.consoleUrl !== undefined) log(`Emulator console: ${emulator.consoleUrl}`);
  return { env: { ...env, ...emulator.seed.env }, emulator, close: () => emulator.close() };
}
