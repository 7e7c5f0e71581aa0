import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Everything a receiver saw of one request: where it was sent (`Host`), the raw target, every header, the body. */
export interface Received {
  readonly receiver: string;
  readonly host: string;
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers a request; leave `res` alone for a 200 `{"ok":true}`. */
export type Reply = (request: Received, res: ServerResponse) => void;

/** A real HTTP server on a loopback address that records every request, for "where did the token go". */
export interface Receiver {
  readonly name: string;
  /** `http://ADDRESS:PORT` */
  readonly url: string;
  readonly address: string;
  readonly port: number;
  reply: Reply;
  close(): Promise<void>;
}

/**
 * Starts a receiver on `address` (any 127.x.y.z works on Linux: each is another origin), on `port`
 * (0 for a free one), appending what it receives to `log`.
 */
export async function startReceiver(name: string, address: string, port: number, log: Received[]): Promise<Receiver> {
  const state: { reply: Reply } = { reply: () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: Received = {
        receiver: name,
        host: req.headers.host ?? '',
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      log.push(received);
      state.reply(received, res);
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    name,
    url: `http://${address}:${bound}`,
    address,
    port: bound,
    get reply() {
      return state.reply;
    },
    set reply(reply: Reply) {
      state.reply = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Every text of a received request a token could hide in. */
export function textsOf(request: Received): string[] {
  return [request.target, request.body, ...Object.entries(request.headers).map(([name, value]) => `${name}: ${String(value)}`)];
}
