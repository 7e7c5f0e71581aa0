import { authenticateBearer, hasScopes } from '../http/bearer-token.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import { OSS_REGIONS, POLICY_KEYS, type BucketRecord } from '../state/buckets.js';

export const BUCKETS_PATH = '/oss/v2/buckets';

/** S-oss's path pattern of `bucketKey`, the lenient reading. */
const BUCKET_KEY = /^[-_.a-z0-9]{3,128}$/;
/** The strict reading: S-oss's `create_buckets_payload` allows only lowercase letters, digits and `_`. */
const STRICT_BUCKET_KEY = /^[_a-z0-9]{3,128}$/;
/** A refusal by the strict reading names its reference and how to relax it (as the admin API's do). */
const STRICT_BUCKET_KEY_REASON =
  "bucketKey must be 3 to 128 characters of a-z, 0-9 and _. (S-oss's create_buckets_payload; its path pattern also allows - and .: " +
  "the emulator's option `strict: false` relaxes this rule.)";
/** S-oss `limit`: "Acceptable values = 1-100. Default = 10." */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/** S-oss answers 400 and 409 with its `reason` schema. */
function reason(ctx: RequestContext, status: 400 | 404 | 409, text: string): void {
  ctx.sendJson(status, { reason: text }, { message: text });
}

function bucketView(bucket: BucketRecord): Record<string, unknown> {
  const { bucketKey, bucketOwner, createdDate, permissions, policyKey } = bucket;
  return { bucketKey, bucketOwner, createdDate, permissions, policyKey };
}

type Allow = { authId: string; access: 'full' | 'read' }[];

function checkAllow(value: unknown): Allow | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return '`allow` must be an array.';
  for (const entry of value as unknown[]) {
    const { authId, access } = (entry ?? {}) as Record<string, unknown>;
    if (typeof authId !== 'string' || authId === '' || (access !== 'full' && access !== 'read')) {
      return 'Each `allow` entry needs an `authId` and an `access` of `full` or `read`.';
    }
  }
  return (value as Allow).map(({ authId, access }) => ({ authId, access }));
}

/** S-oss `create_bucket`: `bucket:create`; the `region` header; `bucketKey` and `policyKey` required; 409 on a taken key. */
async function createBucket(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'create-bucket';
  const body = await ctx.readBody();
  const claims = await authenticateBearer(ctx, runtime);
  if (!claims || !hasScopes(ctx, claims, ['bucket:create'])) return;
  // S-oss names the header `region`; Autodesk's @aps_sdk/oss 1.3.3 (generated from it) sends `x-ads-region`.
  const region = ctx.header('x-ads-region') ?? ctx.header('region');
  if (region === undefined || !OSS_REGIONS.includes(region)) return reason(ctx, 400, `The x-ads-region header must be one of ${OSS_REGIONS.join(', ')}.`);
  if (body === undefined) return ctx.sendJson(413, { reason: 'The request body is too large.' });
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return reason(ctx, 400, 'The request body must be JSON.');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return reason(ctx, 400, 'The request body must be a JSON object.');
  const { bucketKey, policyKey } = payload;
  if (typeof bucketKey !== 'string' || !BUCKET_KEY.test(bucketKey)) return reason(ctx, 400, 'bucketKey must be 3 to 128 characters of a-z, 0-9, -, _ and .');
  if (runtime.settings.strict && !STRICT_BUCKET_KEY.test(bucketKey)) return reason(ctx, 400, STRICT_BUCKET_KEY_REASON);
  if (typeof policyKey !== 'string' || !POLICY_KEYS.includes(policyKey)) return reason(ctx, 400, `policyKey must be one of ${POLICY_KEYS.join(', ')}.`);
  const allow = checkAllow(payload['allow']);
  if (typeof allow === 'string') return reason(ctx, 400, allow);
  const bucket: BucketRecord = {
    bucketKey,
    bucketOwner: claims.client_id,
    createdDate: runtime.clock.now(),
    policyKey,
    region,
    permissions: [{ authId: claims.client_id, access: 'full' }, ...allow.filter((entry) => entry.authId !== claims.client_id)],
  };
  if (!runtime.state.buckets.add(bucket)) return reason(ctx, 409, 'Bucket already exists');
  ctx.sendJson(200, bucketView(runtime.state.buckets.get(bucketKey)!));
}

/** S-oss `get_buckets`: `bucket:read`; the app's own buckets, `region`, `limit` (1-100, default 10) and `startAt`. */
async function getBuckets(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'get-buckets';
  const claims = await authenticateBearer(ctx, runtime);
  if (!claims || !hasScopes(ctx, claims, ['bucket:read'])) return;
  const query = ctx.url.searchParams;
  const region = query.get('region') ?? undefined;
  if (region !== undefined && !OSS_REGIONS.includes(region)) return reason(ctx, 400, `region must be one of ${OSS_REGIONS.join(', ')}.`);
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return reason(ctx, 400, `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  const owned = runtime.state.buckets.list(claims.client_id, region);
  const startAt = query.get('startAt');
  const from = startAt === null ? 0 : owned.findIndex((bucket) => bucket.bucketKey === startAt) + 1;
  const page = owned.slice(from, from + limit);
  const items = page.map(({ bucketKey, createdDate, policyKey }) => ({ bucketKey, createdDate, policyKey }));
  const more = from + limit < owned.length;
  const next = new URLSearchParams({ ...(region === undefined ? {} : { region }), startAt: page.at(-1)?.bucketKey ?? '', limit: String(limit) });
  ctx.sendJson(200, more ? { items, next: `${BUCKETS_PATH}?${next}` } : { items });
}

/** S-oss `get_bucket_details`: `bucket:read` and `viewables:read`; 404 for a bucket that does not exist; 403 for another app's. */
async function getBucketDetails(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'get-bucket-details';
  const claims = await authenticateBearer(ctx, runtime);
  if (!claims || !hasScopes(ctx, claims, ['bucket:read', 'viewables:read'])) return;
  const bucket = runtime.state.buckets.get(ctx.params['bucketKey']!);
  if (!bucket) return reason(ctx, 404, 'Bucket not found');
  if (!bucket.permissions.some((permission) => permission.authId === claims.client_id)) {
    return ctx.sendJson(403, { reason: 'Access denied to this bucket' }, { outcome: 'forbidden' });
  }
  ctx.sendJson(200, bucketView(bucket));
}

export function registerOssRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('POST', BUCKETS_PATH, (ctx) => createBucket(ctx, runtime));
  router.add('GET', BUCKETS_PATH, (ctx) => getBuckets(ctx, runtime));
  router.add('GET', `${BUCKETS_PATH}/:bucketKey/details`, (ctx) => getBucketDetails(ctx, runtime));
}
