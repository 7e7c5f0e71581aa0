import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { EmulatorInterceptError } from '../errors.js';

export interface TunnelTarget {
  /** The intercept proxy (`APS_EMULATOR_PROXY`). */
  readonly proxy: URL;
  /** PEM of the emulator's CA: the only root trusted on a tunnel, so it vouches for nothing else. */
  readonly caCertificate: string;
}

/**
 * Opens a connection to `host:port` through the emulator's intercept proxy (HTTP `CONNECT`), then, for `tls`,
 * the TLS handshake with `host` as the server name, trusting only the emulator's CA. The emulator answers on the
 * other end; nothing here reads or writes a request.
 */
export function openTunnel(target: TunnelTarget, host: string, port: number, tls: boolean, callback: (error: Error | null, socket?: Duplex) => void): void {
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const connectRequest = request({
    host: target.proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(target.proxy.port || 80),
    method: 'CONNECT',
    path: authority,
    headers: { host: authority },
    agent: false,
  });
  connectRequest.once('connect', (response, socket, head) => {
    if (response.statusCode !== 200) {
      socket.destroy();
      callback(new EmulatorInterceptError('ERR_EMULATOR_HOST_REFUSED', `The aps-emulator intercept proxy refused ${authority} (HTTP ${response.statusCode}).`, host));
      return;
    }
    if (head.length > 0) socket.unshift(head);
    if (!tls) {
      callback(null, socket);
      return;
    }
    const secure = tlsConnect({ socket, servername: host, ca: target.caCertificate, ALPNProtocols: ['http/1.1'] });
    secure.once('secureConnect', () => {
      secure.off('error', callback);
      callback(null, secure);
    });
    secure.once('error', callback);
  });
  connectRequest.once('error', (error) => {
    callback(
      new EmulatorInterceptError(
        'ERR_EMULATOR_INTERCEPT_UNAVAILABLE',
        `Cannot reach the aps-emulator intercept proxy at ${target.proxy.origin} for ${authority}: ${error.message}. Is \`aps-emulator --intercept\` still running?`,
        host,
        { cause: error },
      ),
    );
  });
  connectRequest.end();
}
