// One GET of the URL given, through each stack an app may call APS with: the global fetch, ky (over fetch),
// node:http(s) and axios. Prints, per stack, the status and x-request-id it got, or the error it failed with.
import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import ky from 'ky';

const target = process.argv[2];

function failure(error) {
  const cause = error.cause ?? error;
  return { name: error.name, message: error.message, causeCode: cause.code, causeHost: cause.host, causeMessage: cause.message };
}

const results = {};
try {
  const response = await fetch(target);
  results.fetch = { status: response.status, requestId: response.headers.get('x-request-id') };
} catch (error) {
  results.fetch = failure(error);
}
try {
  const response = await ky.get(target, { retry: 0, throwHttpErrors: false });
  results.ky = { status: response.status, requestId: response.headers.get('x-request-id') };
} catch (error) {
  results.ky = failure(error);
}
// node:http or node:https, as the URL's scheme asks.
results.node = await new Promise((resolve) => {
  (target.startsWith('https:') ? https : http)
    .get(target, (response) => {
      response.resume();
      resolve({ status: response.statusCode, requestId: response.headers['x-request-id'] });
    })
    .once('error', (error) => resolve(failure(error)));
});
try {
  const response = await axios.get(target, { validateStatus: () => true });
  results.axios = { status: response.status, requestId: response.headers['x-request-id'] };
} catch (error) {
  results.axios = failure(error);
}
console.log(JSON.stringify(results));
