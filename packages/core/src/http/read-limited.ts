/**
 * The body of `response` as UTF-8 text, read as a stream and given up as soon as it passes `maxBytes` (the rest is
 * never downloaded, let alone buffered): `undefined` then. A `Content-Length` already over the limit is refused
 * before the first byte is read.
 */
export async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  const body = response.body;
  if (body === null) return '';
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
