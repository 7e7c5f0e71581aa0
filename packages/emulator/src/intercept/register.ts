/**
 * The intercept switch: `node --import @aps-ssa/emulator/register app.js`, with `APS_EMULATOR_PROXY` set to the
 * proxy `aps-emulator --intercept` prints. From then on the process's global `fetch` (undici) and `node:http` /
 * `node:https` global agents connect to APS hosts through the emulator, which answers them over real sockets;
 * loopback is reached directly; every other host is refused with an `EmulatorInterceptError` naming it.
 */
import http from 'node:http';
import https from 'node:https';
import { setGlobalDispatcher } from 'undici';
import { EmulatorInterceptError } from '../errors.js';
import { createRouting } from './routing.js';

const PROXY_VARIABLE = 'APS_EMULATOR_PROXY';

function proxyUrl(): URL {
  const value = process.env[PROXY_VARIABLE];
  const url = value ? URL.canParse(value) && new URL(value) : undefined;
  if (!url || url.protocol !== 'http:') {
    // Without the proxy the switch cannot route: stop the app rather than let it reach APS for real.
    throw new EmulatorInterceptError(
      'ERR_EMULATOR_INTERCEPT_UNAVAILABLE',
      `@aps-ssa/emulator/register needs ${PROXY_VARIABLE}=http://127.0.0.1:PORT (${value ? `got '${value}'` : 'it is not set'}). ` +
        `Start the emulator with \`aps-emulator --intercept\` and set the ${PROXY_VARIABLE} it prints.`,
    );
  }
  return url;
}

/** The CA of this emulator run, fetched from its proxy (it is public; its key never leaves the emulator). */
async function fetchCaCertificate(proxy: URL): Promise<string> {
  try {
    const response = await fetch(new URL('/ca.pem', proxy));
    const text = await response.text();
    if (response.status !== 200 || !text.includes('BEGIN CERTIFICATE')) throw new Error(`it answered HTTP ${response.status}`);
    return text;
  } catch (error) {
    throw new EmulatorInterceptError(
      'ERR_EMULATOR_INTERCEPT_UNAVAILABLE',
      `@aps-ssa/emulator/register cannot get the emulator's CA from ${proxy.origin}/ca.pem: ${(error as Error).message}. ` +
        'Is `aps-emulator --intercept` running, and is this the proxy it printed?',
      undefined,
      { cause: error },
    );
  }
}

const proxy = proxyUrl();
const routing = createRouting({ proxy, caCertificate: await fetchCaCertificate(proxy) });
setGlobalDispatcher(routing.dispatcher);
http.globalAgent = routing.httpAgent;
https.globalAgent = routing.httpsAgent;
