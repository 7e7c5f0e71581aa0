// An APS app in the style of the "JWT Assertions" page's Node.js snippet: jsonwebtoken signs the assertion and the
// global fetch exchanges it at APS's token URL, with the APS_* variables of Autodesk's samples. Nothing here knows
// about the emulator; test/intercept.test.ts runs it unchanged.
import jwt from 'jsonwebtoken';

const { APS_CLIENT_ID, APS_CLIENT_SECRET, APS_SA_ID, APS_SA_KEY_ID, APS_SA_PRIVATE_KEY } = process.env;

const assertion = jwt.sign(
  {
    iss: APS_CLIENT_ID,
    sub: APS_SA_ID,
    aud: 'https://developer.api.autodesk.com/authentication/v2/token',
    exp: Math.floor(Date.now() / 1000) + 300,
    scope: ['data:read'],
  },
  APS_SA_PRIVATE_KEY,
  { algorithm: 'RS256', header: { alg: 'RS256', kid: APS_SA_KEY_ID }, noTimestamp: true },
);

const response = await fetch('https://developer.api.autodesk.com/authentication/v2/token', {
  method: 'POST',
  headers: {
    'Content-Type': 'application/x-www-form-urlencoded',
    Authorization: `Basic ${Buffer.from(`${APS_CLIENT_ID}:${APS_CLIENT_SECRET}`).toString('base64')}`,
  },
  body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
});
const token = await response.json();
console.log(JSON.stringify({ status: response.status, requestId: response.headers.get('x-request-id'), tokenType: token.token_type, expiresIn: token.expires_in }));
