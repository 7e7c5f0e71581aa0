import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent as UndiciAgent, buildConnector, type Dispatcher } from 'undici';
import { EmulatorInterceptError } from '../errors.js';
import { APS_HOSTS, isApsHost, isLoopbackHost } from './aps-hosts.js';
import { openTunnel, type TunnelTarget } from './tunnel.js';

type ConnectionCallback = (error: Error | null, socket?: Duplex) => void;
type AgentCallback = (error: Error | null, socket: Duplex) => void;

/**
 * Where one outgoing connection goes while the switch is on: APS hosts through the emulator's proxy, loopback
 * directly (it never leaves the machine), anything else nowhere, with an error naming the host.
 */
export type Route = 'emulator' | 'direct' | 'refused';

export function routeOf(host: string): Route {
  if (isApsHost(host)) return 'emulator';
  return isLoopbackHost(host) ? 'direct' : 'refused';
}

const warned = new Set<string>();

/** The error for a host the emulator does not serve; also printed once per host, since apps often swallow errors. */
export function refusal(host: string, port: number): EmulatorInterceptError {
  const message =
    `aps-emulator intercept refused a connection to ${host}:${port}: ${host} is not an APS host the emulator serves ` +
    `(${APS_HOSTS.join(', ')}). Nothing was sent to ${host}. While --import @aps-ssa/emulator/register is on, only ` +
    'APS hosts (answered by the emulator) and loopback are reachable; run without it to reach other hosts.';
  if (!warned.has(host)) {
    warned.add(host);
    process.emitWarning(message, { code: 'ERR_EMULATOR_HOST_REFUSED' });
  }
  return new EmulatorInterceptError('ERR_EMULATOR_HOST_REFUSED', message, host);
}

function routed(target: TunnelTarget, host: string, port: number, tls: boolean, direct: () => void, callback: ConnectionCallback): void {
  const route = routeOf(host);
  if (route === 'emulator') openTunnel(target, host, port, tls, callback);
  else if (route === 'direct') direct();
  else process.nextTick(callback, refusal(host, port));
}

/** What both agents' `createConnection` do: route, then hand the socket to the agent's callback. */
function connectRouted(target: TunnelTarget, options: ClientRequestArgs, tls: boolean, direct: () => Duplex, callback: AgentCallback): undefined {
  const host = options.hostname ?? options.host ?? 'localhost';
  const port = Number(options.port ?? (tls ? 443 : 80));
  routed(target, host, port, tls, () => callback(null, direct()), (error, socket) => callback(error, socket as Duplex));
  return undefined;
}

/** `node:http`'s agent with the routing above: plain HTTP to an APS host goes through the proxy's tunnel too. */
class RoutingHttpAgent extends HttpAgent {
  constructor(readonly target: TunnelTarget) {
    super({ keepAlive: true });
  }

  override createConnection(options: ClientRequestArgs, callback?: AgentCallback): Duplex | null | undefined {
    return connectRouted(this.target, options, false, () => super.createConnection(options)!, callback!);
  }
}

/** `node:https`'s agent with the routing above (axios, got and so Autodesk's `@aps_sdk/*` clients use it). */
class RoutingHttpsAgent extends HttpsAgent {
  constructor(readonly target: TunnelTarget) {
    super({ keepAlive: true });
  }

  override createConnection(options: ClientRequestArgs, callback?: AgentCallback): Duplex | null | undefined {
    return connectRouted(this.target, options, true, () => super.createConnection(options)!, callback!);
  }
}

/**
 * The connection layer of the three stacks Node.js apps reach APS with: an undici dispatcher for the global
 * `fetch` (and ky, and undici's own `request`), and `node:http`/`node:https` agents. Each only chooses where a
 * socket connects; the emulator answers every request.
 */
export function createRouting(target: TunnelTarget): { dispatcher: Dispatcher; httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const directConnect = buildConnector({});
  const dispatcher = new UndiciAgent({
    connect(options, callback) {
      const tls = options.protocol === 'https:';
      const port = Number(options.port || (tls ? 443 : 80));
      routed(target, options.hostname, port, tls, () => directConnect(options, callback), (error, socket) => {
        if (error) callback(error, null);
        else callback(null, socket as Parameters<typeof callback>[1] & object);
      });
    },
  });
  return { dispatcher, httpAgent: new RoutingHttpAgent(target), httpsAgent: new RoutingHttpsAgent(target) };
}
