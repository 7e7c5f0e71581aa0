import { ssaAuthenticationProvider } from '@aps-ssa/aps-sdk';
import { ApsConfiguration, SdkManagerBuilder } from '@aps_sdk/autodesk-sdkmanager';
import { DataManagementClient } from '@aps_sdk/data-management';
import { OssClient, PolicyKey, Region } from '@aps_sdk/oss';

/** What the sample asks for: create and list buckets, read hubs. */
export const SAMPLE_SCOPES = ['bucket:create', 'bucket:read', 'data:read'];

/** What {@link runSample} did. */
export interface SampleResult {
  readonly created: string;
  readonly buckets: readonly string[];
  readonly hubs: readonly string[];
}

/**
 * Creates a transient bucket, then lists the app's buckets and the hubs, through Autodesk's own clients, with the
 * service account's token from `ssaAuthenticationProvider()`. `env` holds the `APS_*` variables (`APS_BASE_URL`
 * points the SDK at the emulator).
 *
 * @example
 * ```ts
 * const { created, buckets } = await runSample({ env: process.env });
 * ```
 */
export async function runSample({ env }: { env: Readonly<Record<string, string | undefined>> }): Promise<SampleResult> {
  const configuration = new ApsConfiguration({});
  if (env['APS_BASE_URL']) configuration.BaseAddress = new URL(env['APS_BASE_URL']);
  const sdkManager = SdkManagerBuilder.create().addApsConfiguration(configuration).build();
  sdkManager.toggleLogging(false);
  // The provider checks the SdkManager's base address before each token: the token only goes to APS (or the emulator).
  const authenticationProvider = ssaAuthenticationProvider({ env, scopes: SAMPLE_SCOPES, sdkManager });
  try {
    const oss = new OssClient({ authenticationProvider, sdkManager });
    const { bucketKey } = await oss.createBucket(Region.Us, { bucketKey: `aps_ssa_sample_${Date.now()}`, policyKey: PolicyKey.Transient });
    const { items = [] } = await oss.getBuckets();
    const { data = [] } = await new DataManagementClient({ authenticationProvider, sdkManager }).getHubs();
    return { created: bucketKey!, buckets: items.map((item) => item.bucketKey!), hubs: data.map((hub) => hub.attributes?.name ?? hub.id!) };
  } finally {
    await authenticationProvider.close();
  }
}
