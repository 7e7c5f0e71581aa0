import { ProviderRegistry, SsaTokenUnavailableError, tokenFailureResponse } from '@aps-ssa/core';
import type { TokenFailureResponse, TokenProvider } from '@aps-ssa/core';
import type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectNoSecrets } from './expect-no-secrets.js';
import { FAST_FAILURE } from './fast-failure.js';

// The two answers to "no token": retrying may help (503), or it cannot (502).
const UNAVAILABLE = tokenFailureResponse(new SsaTokenUnavailableError('APS is down.', true))!;
const REFUSED = tokenFailureResponse(new SsaTokenUnavailableError('APS refused the credentials.', false))!;

/** What a framework adapter's test app is made of; see {@link ContractAdapter.serve}. */
export interface ContractApp {
  /** Options of the adapter in front of `GET /me` (the emulator's `env`, a `registry`, retries...). */
  readonly options: ProviderSourceOptions;
  /** For each entry, `GET /scoped/<name>` behind an adapter of `{ ...options, scopes }`. */
  readonly scoped: Readonly<Record<string, readonly string[]>>;
  /** Where the adapter logs why no token could be had (its `log` option, or its logger). */
  readonly log: (line: string) => void;
}

/** A test app being served. */
export interface ContractServer {
  readonly url: string;
  /** The provider behind `GET /me`. */
  readonly provider: TokenProvider;
  /** Stops the app the way the framework shuts down (what a SIGTERM handler calls), closing what the adapter must close. */
  shutdown(): Promise<void>;
}

/** A framework adapter under the contract: how to make it, and how to serve a test app with it. */
export interface ContractAdapter {
  /** How the adapter names itself in option errors, e.g. `ssaTokenMiddleware()`. */
  readonly where: string;
  /** Makes the adapter of `options` without serving it: throws (or rejects) as the adapter does for bad options. */
  create(options: Record<string, unknown>): unknown;
  /**
   * Serves, on a free loopback port, `GET /me` answering the APS profile (`userprofile/v1/users/@me`) fetched with
   * the adapter's APS client, and `GET /scoped/<name>` answering the scopes of the token the adapter gave the request.
   */
  serve(app: ContractApp): Promise<ContractServer>;
  /** The JSON body of the adapter's answer when no token can be had. @default `{ error: code, message }` */
  failureBody?(answer: TokenFailureResponse): unknown;
  /** `false` when the framework has no per-route scopes (one module-wide provider, as NestJS). @default true */
  readonly perRouteScopes?: boolean;
}

/**
 * The contract every framework adapter keeps, against a fresh emulator per test: the token is injected; a cold
 * crowd causes one exchange; no token gives 503 + Retry-After or 502, with bodies that name no id; a valid token is
 * served while APS fails; per-route scopes get their own token; the provider is closed on shutdown; an unknown option
 * is refused with a hint.
 *
 * @example
 * ```ts
 * adapterContract({ where: 'ssaToken()', create: (options) => ssaToken(options), serve: async (app) => ... });
 * ```
 */
export function adapterContract(adapter: ContractAdapter): void {
  const failureBody = adapter.failureBody ?? ((answer: TokenFailureResponse) => ({ error: answer.code, message: answer.message }));

  describe('adapter contract', () => {
    let emulator: Emulator;
    let registry: ProviderRegistry;
    let served: ContractServer | undefined;
    let logged: string[];

    beforeEach(async () => {
      emulator = await startEmulator({ port: 0, rateLimit: 0 });
      registry = new ProviderRegistry();
      logged = [];
    });
    afterEach(async () => {
      await served?.shutdown();
      served = undefined;
      await registry.close();
      await emulator.close();
    });

    async function serve(options: ProviderSourceOptions = {}, scoped: Record<string, readonly string[]> = {}): Promise<string> {
      served = await adapter.serve({ options: { env: emulator.seed.env, registry, ...options }, scoped, log: (line) => void logged.push(line) });
      return served.url;
    }

    /** A failure answer: the adapter's body for `answer`, naming no id, URL or APS text; the detail logged, without a secret. */
    async function expectFailure(response: Response, answer: TokenFailureResponse, secrets: readonly string[] = []): Promise<void> {
      expect(response.status).toBe(answer.status);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual(failureBody(answer));
      for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, emulator.url, 'invalid_', 'exchange']) expect(text).not.toContain(detail);
      expectNoSecrets(text, emulator, secrets);
      expect(logged.join('\n')).toContain(answer.code);
      expectNoSecrets(logged.join('\n'), emulator, secrets);
    }

    it('injects the token: the route calls APS as the service account with the adapter’s client', async () => {
      const url = await serve();
      const response = await fetch(`${url}/me`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ userId: emulator.seed.serviceAccountId, emailId: emulator.seed.serviceAccountEmail });
      expect(emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 1 } });
    });

    it('serves 50 concurrent requests on a cold app with one exchange', async () => {
      const url = await serve();
      const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/me`)));
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      expect(emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 50 } });
    });

    it('answers 503 with Retry-After when APS fails on a cold start, the reason logged and not sent', async () => {
      emulator.faults.inject({ kind: 'server-error', status: 503, count: 100 });
      const url = await serve(FAST_FAILURE);
      const response = await fetch(`${url}/me`);
      await expectFailure(response, UNAVAILABLE);
      // Retry-After is when the provider allows its next exchange, as the logged reason says.
      const next = /the next exchange is allowed in (\d+) s/.exec(logged.join('\n'))?.[1];
      expect(next).toBeDefined();
      expect(response.headers.get('retry-after')).toBe(String(Math.max(1, Number(next))));
      expect(logged.join('\n')).toContain(emulator.seed.serviceAccountId);
      expect(emulator.counters().userprofile).toMatchObject({ ok: 0 });
    });

    it('passes on the token endpoint’s own Retry-After when it rate-limits', async () => {
      emulator.faults.inject({ kind: 'rate-limit', retryAfter: 42 });
      const url = await serve(FAST_FAILURE);
      const response = await fetch(`${url}/me`);
      expect(response.headers.get('retry-after')).toBe('42');
      await expectFailure(response, UNAVAILABLE);
    });

    it('answers 503 with Retry-After when the token endpoint cannot be reached', async () => {
      const url = await serve(FAST_FAILURE);
      await emulator.close();
      const response = await fetch(`${url}/me`);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      await expectFailure(response, UNAVAILABLE);
    });

    it('answers 502 without Retry-After when APS refuses the credentials, and never shows the secret', async () => {
      const secret = 'wrong-secret-0123456789abcdef';
      const url = await serve({ ...FAST_FAILURE, clientSecret: secret });
      const response = await fetch(`${url}/me`);
      expect(response.headers.get('retry-after')).toBeNull();
      await expectFailure(response, REFUSED, [secret]);
    });

    it('serves the valid token it has while APS fails', async () => {
      const url = await serve(FAST_FAILURE);
      expect((await fetch(`${url}/me`)).status).toBe(200);
      emulator.faults.inject({ kind: 'server-error', status: 503, count: 100 });
      const responses = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/me`)));
      expect(responses.map((response) => response.status)).toEqual(Array(5).fill(200));
      expect(emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 6 } });
      expect(logged).toEqual([]);
    });

    it.skipIf(adapter.perRouteScopes === false)('gives each route its scopes: one token per scope set', async () => {
      const url = await serve({}, { reader: ['data:read'], profile: ['user-profile:read'], again: ['data:read'] });
      expect(await (await fetch(`${url}/scoped/reader`)).json()).toEqual(['data:read']);
      expect(await (await fetch(`${url}/scoped/profile`)).json()).toEqual(['user-profile:read']);
      expect(await (await fetch(`${url}/scoped/again`)).json()).toEqual(['data:read']);
      expect(emulator.counters()['token:jwt-bearer']).toMatchObject({ ok: 2 });
    });

    it('closes the provider on shutdown', async () => {
      const app = await adapter.serve({ options: { env: emulator.seed.env }, scoped: {}, log: (line) => void logged.push(line) });
      expect((await fetch(`${app.url}/me`)).status).toBe(200);
      expect(app.provider.closed).toBe(false);
      await app.shutdown();
      expect(app.provider.closed).toBe(true);
    });

    it('refuses an unknown option with a hint, when it is made', async () => {
      await expect((async () => adapter.create({ env: emulator.seed.env, registry, scope: ['data:read'] }))()).rejects.toMatchObject({
        code: 'ERR_SSA_INVALID_OPTION',
        option: 'scope',
        message: `Unknown option \`scope\` passed to ${adapter.where}. Did you mean \`scopes\`?`,
      });
    });
  });
}
