import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a recording server saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly host: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly body: string;
}

/** Answers a request; return nothing for a 200 `{"ok":true}`. */
export type Responder = (request: RecordedRequest, res: ServerResponse) => void | boolean;

/**
 * A real HTTP server on 127.0.0.1 that records every request it gets (headers included) and
 * answers with `respond` (a redirect, a 401...) or 200.
 */
export interface RecordingServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  respond: Responder;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const state: { respond: Responder } = { respond: () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        host: req.headers.host ?? '',
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      state.respond(recorded, res);
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get respond() {
      return state.respond;
    },
    set respond(responder: Responder) {
      state.respond = responder;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers with a redirect to `location`. */
export function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location }).end();
}
