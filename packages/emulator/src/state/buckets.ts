/** S-oss `region`: where a bucket is stored. */
export const OSS_REGIONS: readonly string[] = ['US', 'EMEA', 'AUS', 'APAC', 'CAN', 'DEU', 'IND', 'JPN', 'GBR'];
/** S-oss `PolicyKey`: how long a bucket's objects are kept. */
export const POLICY_KEYS: readonly string[] = ['transient', 'temporary', 'persistent'];

/** An OSS bucket: S-oss's `bucket` fields, plus the region it was created in. */
export interface BucketRecord {
  readonly bucketKey: string;
  /** The client id of the app that created it (S-oss: "The application creating the bucket is the owner"). */
  readonly bucketOwner: string;
  /** ms since the epoch (S-oss: "a Unix timestamp"; APS's examples are in ms). */
  readonly createdDate: number;
  readonly policyKey: string;
  readonly region: string;
  readonly permissions: readonly { readonly authId: string; readonly access: 'full' | 'read' }[];
}

/**
 * The OSS buckets, in memory only (not in the state file: objects are not emulated, so a bucket holds nothing worth
 * keeping; the emulator's choice). Keys are unique across apps and regions (S-oss `create_buckets_payload`).
 *
 * @example
 * ```ts
 * emulator.state.buckets.list(emulator.seed.clientId); // the seed app's buckets, oldest first
 * ```
 */
export class BucketStore {
  readonly #buckets = new Map<string, BucketRecord>();

  /** Adds `bucket` unless its key is taken; returns whether it was added. */
  add(bucket: BucketRecord): boolean {
    if (this.#buckets.has(bucket.bucketKey)) return false;
    this.#buckets.set(bucket.bucketKey, Object.freeze({ ...bucket, permissions: Object.freeze(bucket.permissions.map((p) => Object.freeze({ ...p }))) }));
    return true;
  }

  get(bucketKey: string): BucketRecord | undefined {
    return this.#buckets.get(bucketKey);
  }

  /** The buckets `clientId` owns (in `region`, when given), oldest first. */
  list(clientId: string, region?: string): BucketRecord[] {
    return [...this.#buckets.values()].filter((b) => b.bucketOwner === clientId && (region === undefined || b.region === region));
  }
}
