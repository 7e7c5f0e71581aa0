import { createPrivateKey, randomBytes } from 'node:crypto';
import { format } from 'node:util';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { addKeyMaterial } from './key-inputs.js';
import { LeakDetector, PARTIAL_WINDOW } from './leak-detector.js';

/** A distinctive client secret, shaped like APS's (64 alphanumerics). */
export function canarySecret(): string {
  return `CANARYsecret${randomBytes(40).toString('hex')}`.slice(0, 64);
}

/**
 * The canaries of one flow and everything that flow showed: values (results, errors, event payloads,
 * clients, configs), captured output lines, and the emulator's own request log. `expectClean()` fails
 * on the first canary found anywhere.
 */
export class CanaryWatch {
  readonly leaks = new LeakDetector();
  readonly #observed: Array<[string, unknown]> = [];
  readonly #lines: string[] = [];
  counts = { canaries: 0, values: 0 };

  /**
   * Registers a secret, any {@link PARTIAL_WINDOW}-character piece of it, and its URL-encoded, form-encoded
   * and JSON-escaped forms (an echo in a query string, a form body or a serialised command).
   */
  addSecret(label: string, value: string): void {
    this.counts.canaries++;
    const forms = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]);
    for (const form of forms) this.leaks.add(label, form, PARTIAL_WINDOW);
  }

  /** Registers an app's client secret and its Basic credential (`base64(client_id:client_secret)`, as sent, and RFC 6749's form-encoded variant). */
  addClientSecret(clientId: string, secret: string): void {
    this.addSecret('client secret', secret);
    const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
    for (const pair of new Set([`${clientId}:${secret}`, `${formEncode(clientId)}:${formEncode(secret)}`])) {
      this.addSecret('Basic credential', Buffer.from(pair).toString('base64'));
    }
  }

  addPrivateKey(label: string, pem: string): void {
    this.counts.canaries++;
    addKeyMaterial(this.leaks, createPrivateKey(pem), label);
  }

  /** Anything the library handed out: checked later in every rendering. */
  observe<T>(where: string, value: T): T {
    this.#observed.push([where, value]);
    return value;
  }

  /** The `where` of every value observed and not yet checked (to assert that a flow did what it meant to). */
  get pending(): string[] {
    return this.#observed.map(([where]) => where);
  }

  /** How many output lines were captured so far. */
  get capturedLines(): number {
    return this.#lines.length;
  }

  /** The `code` of what `where` threw, if it threw an error with one. */
  codeOf(where: string): unknown {
    const found = this.#observed.find(([name]) => name === `${where} (thrown)`);
    return (found?.[1] as { code?: unknown } | undefined)?.code;
  }

  /** Runs `action` and observes its result or what it threw. */
  async settle(where: string, action: () => Promise<unknown>): Promise<unknown> {
    try {
      return this.observe(where, await action());
    } catch (err) {
      return this.observe(`${where} (thrown)`, err);
    }
  }

  /**
   * A fetch that passes every request on unchanged and registers each access token a token endpoint
   * hands out as a canary (the provider and admin client keep theirs to themselves).
   */
  tokenRecordingFetch(): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (new URL(url).pathname.endsWith('/authentication/v2/token')) {
        const body = (await response.clone().json().catch(() => undefined)) as { access_token?: unknown } | undefined;
        if (typeof body?.access_token === 'string') this.addSecret('access token', body.access_token);
      }
      return response;
    };
  }

  /** Captures console.*, process.stdout/stderr writes and process warnings for the whole file. */
  captureOutput(): void {
    const lines = this.#lines;
    const restore: Array<() => void> = [];
    const onWarning = (warning: Error): void => void lines.push(format(warning));
    beforeAll(() => {
      for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
        const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
        restore.push(() => spy.mockRestore());
      }
      for (const stream of [process.stdout, process.stderr]) {
        const original = stream.write.bind(stream);
        stream.write = ((chunk: unknown, ...rest: never[]) => {
          lines.push(String(chunk));
          return original(chunk as string, ...rest);
        }) as typeof stream.write;
        restore.push(() => void (stream.write = original));
      }
      process.on('warning', onWarning);
      restore.push(() => void process.off('warning', onWarning));
    });
    afterAll(() => {
      for (const undo of restore.splice(0)) undo();
    });
  }

  /** Fails on the first canary in any observed value, captured line, or the emulator's log. */
  expectClean(emulator?: Emulator): void {
    for (const [where, value] of this.#observed.splice(0)) {
      this.counts.values++;
      expect(this.leaks.findIn(value, where)).toBeUndefined();
    }
    for (const line of this.#lines) expect(this.leaks.find(line, 'captured output')).toBeUndefined();
    if (emulator !== undefined) expect(this.leaks.find(JSON.stringify(emulator.requests()), 'emulator request log')).toBeUndefined();
  }
}
