import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorClock } from '../lib/clock.js';
import type { Counters } from '../control/counters.js';
import type { EndpointName } from '../control/endpoints.js';
import { newRequestId } from '../lib/ids.js';
import type { RequestLog, RequestLogDraft } from '../control/request-log.js';
import { parseRequestTarget, type RequestTarget } from './request-target.js';

/** APS's token endpoint answers `application/json;charset=UTF-8` (reference §2, D-t1 live headers). */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Bodies larger than this are refused with 413: no legitimate token or admin request comes close. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface SendOptions {
  /** What `counters()` and the log record; defaults to `ok` for 2xx. */
  readonly outcome?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The error text answered, for the log. */
  readonly message?: string;
  readonly contentType?: string;
}

export interface ContextServices {
  readonly clock: EmulatorClock;
  readonly counters: Counters;
  readonly log: RequestLog;
}

/**
 * One request being answered. Every APS-path response goes through `send`, which adds the headers APS always
 * sends (`x-request-id`, `Date` on the emulator's clock) and records the request once in the counters and log.
 */
export class RequestContext {
  readonly requestId = newRequestId();
  /** The request target read as a path (see `parseRequestTarget`). */
  readonly url: RequestTarget;
  params: Readonly<Record<string, string>> = {};
  /** Set by APS handlers; control requests leave it unset and are neither counted nor logged. */
  endpoint: EndpointName | undefined;
  /** Fields gathered while judging the request, written to the log when it is answered. */
  readonly draft: RequestLogDraft = {};
  /** Headers every later response of this request carries (the rate-limit headers). */
  readonly extraHeaders: Record<string, string> = {};
  #finished = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly services: ContextServices,
  ) {
    this.url = parseRequestTarget(req.url);
  }

  get finished(): boolean {
    return this.#finished;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /**
   * Reads the whole body. Past `MAX_BODY_BYTES` the rest is drained unread and `undefined` returned, so the
   * caller can still answer 413 on an intact connection.
   */
  async readBody(): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
    return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
  }

  sendJson(status: number, body: unknown, options: SendOptions = {}): void {
    this.send(status, body === undefined ? '' : JSON.stringify(body), {
      ...options,
      contentType: options.contentType ?? JSON_CONTENT_TYPE,
    });
  }

  send(status: number, body: string, options: SendOptions = {}): void {
    if (this.#finished) return;
    const headers: Record<string, string | number> = {
      'Content-Type': options.contentType ?? JSON_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(body),
      Date: new Date(this.services.clock.now()).toUTCString(),
      'x-request-id': this.requestId,
      ...this.extraHeaders,
      ...options.headers,
    };
    this.res.writeHead(status, headers);
    this.res.end(body);
    this.record(status, options.outcome ?? (status < 300 ? 'ok' : `http_${status}`), options.message);
  }

  /** Records a request answered without `send` (a hung or reset connection: status 0). */
  record(status: number, outcome: string, message?: string): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.endpoint === undefined) return;
    this.services.counters.record(this.endpoint, outcome);
    this.services.log.add({
      time: new Date(this.services.clock.now()).toISOString(),
      requestId: this.requestId,
      method: this.req.method ?? '',
      path: this.url.pathname,
      endpoint: this.endpoint,
      status,
      outcome,
      ...(message === undefined ? {} : { message }),
      ...this.draft,
    });
  }
}
