// One instance of a fleet: an HTTP server whose every request calls APS with the service account's token, signing
// with the key that the key file (argv[2]) names, picked up without a restart. Prints {"url"} once listening.
import { createServer } from 'node:http';
import { createApsClient, createTokenProvider, watchKeyFile } from '@aps-ssa/core';

const provider = createTokenProvider({ retry: { maxAttempts: 2, baseDelay: 10, maxDelay: 50 } });
const watch = watchKeyFile(process.argv[2], provider, { interval: 50, onError: (error) => process.stderr.write(`key file: ${error.message}\n`) });
const aps = createApsClient({ provider, ky: { retry: 0 } });

const server = createServer((req, res) => {
  if (req.url === '/state') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keyId: provider.identity.keyId, refreshes: provider.stats.refreshes }));
    return;
  }
  aps
    .get('userprofile/v1/users/@me')
    .json()
    .then(
      (me) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(me)),
      (error) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ code: error.code ?? error.name, message: error.message })),
    );
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`));
process.on('SIGTERM', () => {
  watch.close();
  server.close();
  void provider.close().then(() => process.exit(0));
});
