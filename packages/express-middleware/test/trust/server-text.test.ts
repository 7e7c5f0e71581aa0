import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderRegistry } from '@aps-ssa/core';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAKE_SSA_ENV, FAST_FAILURE, listen } from '@aps-ssa/test-support';
import { ssaErrorHandler, ssaTokenMiddleware } from '../../src/index.js';

// A token endpoint (or a proxy before it) whose error_description and x-request-id carry control characters and echo
// the request's credential: the handler's log line stays one visible line, without the credential.
let tokenEndpoint: Server;
let baseUrl: string;

beforeAll(async () => {
  tokenEndpoint = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const credential = request.headers.authorization ?? '';
      response.writeHead(400, { 'content-type': 'application/json', connection: 'close', 'x-request-id': `${credential} \u009b2J` });
      response.end(
        JSON.stringify({
          error: 'invalid_grant\r\n\u001b[2K',
          error_description: `Rejected ${credential}.\r\n2026-12-07T00:00:00Z INFO forged entry\u001b[31m \u0085\u202eevil\u2066`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => tokenEndpoint.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      tokenEndpoint.closeAllConnections();
      tokenEndpoint.close(() => resolve());
    }),
);

it("logs APS's refusal on one visible line, without control characters or the echoed credential", async () => {
  const registry = new ProviderRegistry();
  const lines: string[] = [];
  const app = express();
  app.use(ssaTokenMiddleware({ env: { ...FAKE_SSA_ENV, APS_BASE_URL: baseUrl }, registry, ...FAST_FAILURE }));
  app.get('/me', (_req, res) => res.send('unreachable'));
  app.use(ssaErrorHandler({ log: (line) => lines.push(line) }));
  const server = await listen(app);
  try {
    const response = await fetch(`${server.url}/me`);
    expect(response.status).toBe(502);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toContain('forged entry');
    expect(line, JSON.stringify(line)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const basic = Buffer.from(`${FAKE_SSA_ENV.APS_CLIENT_ID}:${FAKE_SSA_ENV.APS_CLIENT_SECRET}`).toString('base64');
    for (let i = 0; i + 12 <= basic.length; i++) expect(line).not.toContain(basic.slice(i, i + 12));
    expect(line).not.toContain(FAKE_SSA_ENV.APS_CLIENT_SECRET);
  } finally {
    await server.close();
    await registry.close();
  }
});
