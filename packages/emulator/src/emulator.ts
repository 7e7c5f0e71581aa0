import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenAuthority } from './tokens/access-tokens.js';
import { registerAdminRoutes } from './admin/routes.js';
import { createClock, type EmulatorClock } from './lib/clock.js';
import { CONSOLE_PATH } from './console/page.js';
import { registerConsoleRoutes } from './console/routes.js';
import { registerControlRoutes } from './console/control-routes.js';
import { Counters, type EmulatorCounters } from './control/counters.js';
import { FaultQueue, type EmulatorFaults } from './control/faults.js';
import { registerIntrospectionRoutes } from './auth/introspection-endpoints.js';
import { registerJwksRoutes } from './auth/jwks-endpoint.js';
import { registerOidcDiscoveryRoutes } from './auth/oidc-discovery-endpoint.js';
import { normaliseOptions, type EmulatorOptions } from './options.js';
import { RateLimiter } from './http/rate-limiter.js';
import { RequestContext } from './http/request-context.js';
import { RequestLog, type RequestLogEntry } from './control/request-log.js';
import { Router } from './http/router.js';
import type { EmulatorRuntime } from './runtime.js';
import { createSeedIdentity, describeSeed, type EmulatorSeed } from './state/seed.js';
import { Settings } from './control/settings.js';
import { EmulatorState } from './state/state.js';
import { readStateFile, StateFileWriter } from './state/state-file.js';
import { registerTokenRoutes } from './auth/token-endpoint.js';
import { registerUserProfileRoutes } from './auth/userprofile-endpoint.js';
import { registerDataManagementRoutes } from './resources/data-management.js';
import { registerModelDerivativeRoutes } from './resources/model-derivative.js';
import { registerOssRoutes } from './resources/oss.js';

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * const provider = createTokenProvider({ env: emulator.seed.env });
 * emulator.faults.inject({ kind: 'server-error', status: 503 });
 * await emulator.close();
 * ```
 */
export interface Emulator {
  /** `http://HOST:PORT`, no trailing slash: the `baseUrl` for clients (APS's is `https://developer.api.autodesk.com`). */
  readonly url: string;
  /** The developer console's address (`${url}/_emulator/console`) when started with `console: true`, else `undefined`. */
  readonly consoleUrl: string | undefined;
  readonly seed: EmulatorSeed;
  /** Apps, service accounts and keys: disable, delete or create them directly in tests. */
  readonly state: EmulatorState;
  readonly clock: EmulatorClock;
  readonly faults: EmulatorFaults;
  counters(): EmulatorCounters;
  resetCounters(): void;
  /** The bounded request log, oldest first. */
  requests(): RequestLogEntry[];
  /** `expires_in` (seconds, 1–86400) of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /** The SSA budget per minute per client; 0 turns rate limiting off. */
  setRateLimit(perMinute: number): void;
  /** Stops listening and drops every connection, hung ones included; with `statePath`, waits for the last write. Idempotent. */
  close(): Promise<void>;
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function dispatch(router: Router, runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new RequestContext(req, res, runtime);
  try {
    const match = router.match(req.method ?? 'GET', ctx.url.pathname);
    if (match.kind === 'found') {
      ctx.params = match.params;
      await match.handler(ctx);
      return;
    }
    req.resume();
    if (match.kind === 'method-not-allowed') {
      ctx.sendJson(405, { developerMessage: `Method ${req.method} is not allowed here.` }, { headers: { Allow: match.allow.join(', ') } });
    } else {
      ctx.sendJson(404, { developerMessage: 'The requested resource does not exist.' });
    }
  } catch {
    // Only an emulator bug gets here (bad input is always answered): say so, without echoing the request.
    if (!res.headersSent) {
      ctx.sendJson(500, { developerMessage: 'The emulator failed to handle this request.' }, { outcome: 'emulator_error' });
    } else {
      res.destroy();
    }
  }
}

/**
 * Starts an APS authentication emulator on loopback: the token endpoint (jwt-bearer and client_credentials
 * grants), JWKS, introspect, revoke and a user-profile resource, seeded with an app, a service account and a
 * key; plus a control surface under `/_emulator/` and programmatic fault injection.
 *
 * @example
 * ```ts
 * import { startEmulator } from '@aps-ssa/emulator';
 *
 * const emulator = await startEmulator({ port: 0 });
 * console.log(emulator.url, emulator.seed.serviceAccountId);
 * await emulator.close();
 * ```
 */
export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const config = normaliseOptions(options);
  const clock = createClock();
  const state = new EmulatorState(clock);
  const loaded = config.statePath === undefined ? undefined : await readStateFile(config.statePath);
  if (loaded) state.restore(loaded.snapshot);
  const tokens = await TokenAuthority.create(clock);
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) return handle(req, res);
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' }).end('{"developerMessage":"The emulator is starting."}');
  });
  await listen(server, config.port, config.host);
  const url = urlOf(server, config.host);

  let seed: EmulatorSeed;
  let stateFile: StateFileWriter | undefined;
  try {
    // With a state file, the seed is the one it recorded, so an env file written earlier keeps working.
    const identity = loaded?.seed ?? (await createSeedIdentity(state));
    seed = describeSeed(identity, config.scopes, url);
    if (config.statePath !== undefined) stateFile = await StateFileWriter.start(config.statePath, state, identity);
  } catch (error) {
    server.close();
    throw error;
  }
  const counters = new Counters();
  const log = new RequestLog(config.requestLogSize);
  const faults = new FaultQueue();
  const settings = new Settings(config.tokenLifetime, config.rateLimit, config.strict);
  const runtime: EmulatorRuntime = {
    clock,
    state,
    tokens,
    counters,
    log,
    faults,
    rateLimiter: new RateLimiter(clock),
    settings,
    seedIdentity: Object.freeze({ clientId: seed.clientId, serviceAccountId: seed.serviceAccountId, keyId: seed.keyId, scopes: seed.scopes }),
  };
  const router = new Router();
  registerTokenRoutes(router, runtime);
  registerJwksRoutes(router, runtime);
  registerOidcDiscoveryRoutes(router, runtime);
  registerIntrospectionRoutes(router, runtime);
  registerUserProfileRoutes(router, runtime);
  registerOssRoutes(router, runtime);
  registerDataManagementRoutes(router, runtime);
  registerModelDerivativeRoutes(router, runtime);
  registerAdminRoutes(router, runtime);
  registerControlRoutes(router, runtime, { allowRemote: config.consoleAllowRemote });
  if (config.console) registerConsoleRoutes(router, { allowRemote: config.consoleAllowRemote });
  handle = (req, res) => void dispatch(router, runtime, req, res);

  let closing: Promise<void> | undefined;
  return {
    url,
    consoleUrl: config.console ? `${url}${CONSOLE_PATH}` : undefined,
    seed,
    state,
    clock,
    faults,
    counters: () => counters.snapshot(),
    resetCounters: () => counters.reset(),
    requests: () => log.list(),
    setTokenLifetime: (seconds) => void settings.setTokenLifetime(seconds),
    setRateLimit: (perMinute) => void settings.setRateLimit(perMinute),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => stateFile?.flush());
      return closing;
    },
  };
}
