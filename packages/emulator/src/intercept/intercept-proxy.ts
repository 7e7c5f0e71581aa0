import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket } from 'node:tls';
import { EmulatorOptionError } from '../errors.js';
import { rejectUnknownKeys } from '../lib/unknown-keys.js';
import { APS_HOSTS, isApsHost } from './aps-hosts.js';
import { createInterceptCredentials } from './certificate-authority.js';

/**
 * Options of `startInterceptProxy`.
 *
 * @example
 * ```ts
 * const proxy = await startInterceptProxy({ target: emulator.url, log: (line) => console.log(line) });
 * ```
 */
export interface InterceptProxyOptions {
  /** The emulator's URL (`emulator.url`): every intercepted APS request is forwarded there. */
  readonly target: string;
  /** Called with one line per request forwarded or connection refused: method, host and path (never a query or a header). */
  readonly log?: (line: string) => void;
}

/**
 * A running intercept proxy.
 *
 * @example
 * ```ts
 * const proxy = await startInterceptProxy({ target: emulator.url });
 * spawn(process.execPath, ['--import', '@aps-ssa/emulator/register', 'app.js'], { env: { ...process.env, ...proxy.env } });
 * ```
 */
export interface InterceptProxy {
  /** `http://127.0.0.1:PORT`: an HTTP proxy (`CONNECT` and absolute-form requests) that serves `/ca.pem` too. */
  readonly url: string;
  /** PEM of this run's CA certificate (public); its private key was dropped once it signed the APS certificate. */
  readonly caCertificate: string;
  /** The hosts answered by the emulator; every other one is refused. */
  readonly hosts: readonly string[];
  /** `{ APS_EMULATOR_PROXY: url }`: with it, `node --import @aps-ssa/emulator/register app.js` routes to the emulator. */
  readonly env: Readonly<Record<string, string>>;
  /** Stops listening and drops every connection. Idempotent. */
  close(): Promise<void>;
}

const OPTION_KEYS = ['target', 'log'];

function normaliseOptions(options: InterceptProxyOptions): { target: URL; log: (line: string) => void } {
  if (typeof options !== 'object' || options === null) throw new EmulatorOptionError('startInterceptProxy options must be an object.');
  rejectUnknownKeys(options, OPTION_KEYS, 'intercept proxy option');
  const { target, log } = options;
  if (typeof target !== 'string' || !URL.canParse(target) || new URL(target).protocol !== 'http:') {
    throw new EmulatorOptionError(`\`target\` must be the emulator's URL (\`emulator.url\`, http://HOST:PORT), got ${JSON.stringify(target)}.`);
  }
  if (log !== undefined && typeof log !== 'function') throw new EmulatorOptionError(`\`log\` must be a function, got ${typeof log}.`);
  return { target: new URL(target), log: log ?? (() => {}) };
}

/** Headers that describe one connection, not the request: never passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(rawHeaders: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(rawHeaders[i]!.toLowerCase())) kept.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return kept;
}

/** `host:port` of a CONNECT target, IPv6 brackets removed. */
function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority);
  return match ? { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) } : undefined;
}

function refusalText(host: string): string {
  return `aps-emulator intercept refused ${host}: it is not an APS host the emulator serves (${APS_HOSTS.join(', ')}). Nothing was sent to ${host}.\n`;
}

/**
 * Starts the proxy that makes the emulator a drop-in for APS. It listens on loopback; a `CONNECT` to an APS host on
 * port 443 is answered with TLS under a certificate for the APS hosts (issued by a CA made at start), on port 80 in
 * plain HTTP; either way each request inside is forwarded to the emulator and its answer passed back unchanged. A
 * `CONNECT` or request for any other host gets 403 naming the host, and nothing is sent to it.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * const proxy = await startInterceptProxy({ target: emulator.url });
 * // APS_EMULATOR_PROXY=<proxy.url> node --import @aps-ssa/emulator/register app.js
 * await proxy.close();
 * await emulator.close();
 * ```
 */
export async function startInterceptProxy(options: InterceptProxyOptions): Promise<InterceptProxy> {
  const { target, log } = normaliseOptions(options);
  const credentials = await createInterceptCredentials(APS_HOSTS);
  const secureContext = createSecureContext({ key: credentials.key, cert: credentials.cert });
  const upstreamAgent = new Agent({ keepAlive: true });
  const tunnels = new Set<Duplex>();

  function forward(req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https', host: string, path: string): void {
    const shown = `${req.method} ${scheme}://${host}${path.split('?')[0]}`;
    const upstream = request({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port),
      method: req.method,
      path,
      headers: endToEnd(req.rawHeaders),
      setHost: false,
      agent: upstreamAgent,
    });
    upstream.once('response', (answer) => {
      log(`intercept: ${shown} -> ${answer.statusCode}`);
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.rawHeaders));
      answer.pipe(res);
    });
    // The emulator dropped the connection (a `reset` fault, or it closed): the client sees its connection drop too.
    upstream.once('error', () => {
      log(`intercept: ${shown} -> connection dropped by the emulator`);
      req.socket.destroy();
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  const inner: Server = createServer((req, res) => {
    const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
    forward(req, res, encrypted ? 'https' : 'http', req.headers.host ?? APS_HOSTS[0]!, req.url ?? '/');
  });

  function refuse(socket: Duplex, host: string, what: string): void {
    log(`intercept: refused ${what} (not an APS host)`);
    const body = refusalText(host);
    socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/ca.pem' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/x-pem-file' }).end(credentials.caCertificate);
      return;
    }
    const absolute = /^https?:\/\//i.test(url) && URL.canParse(url) ? new URL(url) : undefined;
    if (!absolute) {
      req.resume();
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('This is the aps-emulator intercept proxy: use it as an HTTP proxy, or GET /ca.pem.\n');
      return;
    }
    if (!isApsHost(absolute.hostname)) {
      req.resume();
      log(`intercept: refused ${req.method} ${absolute.protocol}//${absolute.host} (not an APS host)`);
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(refusalText(absolute.hostname));
      return;
    }
    forward(req, res, absolute.protocol === 'https:' ? 'https' : 'http', absolute.host, `${absolute.pathname}${absolute.search}`);
  });

  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const authority = parseAuthority(req.url ?? '');
    socket.on('error', () => socket.destroy());
    if (!authority || !isApsHost(authority.host) || (authority.port !== 443 && authority.port !== 80)) {
      refuse(socket, authority?.host ?? String(req.url), `CONNECT ${req.url}`);
      return;
    }
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    if (authority.port === 80) {
      inner.emit('connection', socket);
      return;
    }
    const secure = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    secure.once('error', (error) => {
      log(`intercept: TLS with a client of ${authority.host} failed (${error.message}); does it trust this emulator's CA?`);
      socket.destroy();
    });
    inner.emit('connection', secure);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    caCertificate: credentials.caCertificate,
    hosts: APS_HOSTS,
    env: Object.freeze({ APS_EMULATOR_PROXY: url }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
        upstreamAgent.destroy();
      });
      return closing;
    },
  };
}
