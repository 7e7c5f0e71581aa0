// Autodesk's own clients, constructed with no SDK manager, so on their default base URL
// (https://developer.api.autodesk.com): a 2-legged token from @aps_sdk/authentication, then the hubs of
// @aps_sdk/data-management, then userinfo (on its own host, https://api.userprofile.autodesk.com). All send through
// axios and node:https. test/intercept.test.ts runs it unchanged.
import { AuthenticationClient, Scopes } from '@aps_sdk/authentication';
import { DataManagementClient } from '@aps_sdk/data-management';

const { APS_CLIENT_ID, APS_CLIENT_SECRET } = process.env;

const token = await new AuthenticationClient().getTwoLeggedToken(APS_CLIENT_ID, APS_CLIENT_SECRET, [Scopes.DataRead]);
console.log(JSON.stringify({ step: 'token', tokenType: token.token_type, expiresIn: token.expires_in }));
try {
  const hubs = await new DataManagementClient().getHubs({ accessToken: token.access_token });
  console.log(JSON.stringify({ step: 'hubs', status: 200, hubs: hubs.data?.length }));
} catch (error) {
  const response = error.axiosError?.response;
  console.log(JSON.stringify({ step: 'hubs', status: error.httpStatusCode?.(), requestId: response?.headers['x-request-id'], body: response?.data }));
}
try {
  await new AuthenticationClient().getUserInfo(token.access_token);
  console.log(JSON.stringify({ step: 'userinfo', status: 200 }));
} catch (error) {
  const response = error.axiosError?.response;
  console.log(JSON.stringify({ step: 'userinfo', status: response?.status, requestId: response?.headers['x-request-id'] }));
}
