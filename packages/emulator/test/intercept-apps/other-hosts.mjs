// Requests to a host that is not APS, through each stack an app may use: none may reach the network.
import https from 'node:https';
import axios from 'axios';
import ky from 'ky';

const target = process.argv[2] ?? 'https://example.com/';

function describe(error) {
  const cause = error.cause ?? error;
  return { name: error.name, message: error.message, causeCode: cause.code, causeHost: cause.host, causeMessage: cause.message };
}

const results = {};
try {
  await fetch(target);
  results.fetch = 'answered';
} catch (error) {
  results.fetch = describe(error);
}
try {
  await ky.get(target, { retry: 0 });
  results.ky = 'answered';
} catch (error) {
  results.ky = describe(error);
}
results.https = await new Promise((resolve) => {
  https.get(target, () => resolve('answered')).once('error', (error) => resolve(describe(error)));
});
try {
  await axios.get(target);
  results.axios = 'answered';
} catch (error) {
  results.axios = describe(error);
}
console.log(JSON.stringify(results));
