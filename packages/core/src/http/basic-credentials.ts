/**
 * The `Authorization: Basic` credentials of an APS app: the plain base64 of `client_id:client_secret`.
 *
 * RFC 6749 §2.3.1 says to form-urlencode the id and secret first, but Autodesk's SDKs (Node.js and
 * .NET) and samples do not, and APS is the judge: a secret containing `+`, `/`, `=` or `%` is sent
 * exactly as those SDKs send it. (APS client ids and secrets are alphanumeric today, so both
 * encodings agree on every secret APS issues.)
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
}
