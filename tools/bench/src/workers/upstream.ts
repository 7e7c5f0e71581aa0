// The upstream API of the outbound scenario: a tiny node:http server answering every request with
// "ok", counting the requests that carried a bearer token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveCommands } from './commands.js';

let requests = 0;
let withBearer = 0;
const server = createServer((req, res) => {
  requests++;
  if (req.headers.authorization?.startsWith('Bearer ')) withBearer++;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  res.end('ok');
});
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));

serveCommands({ counts: () => ({ requests, withBearer }) }, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, () => {
  server.closeAllConnections();
  server.close();
});
