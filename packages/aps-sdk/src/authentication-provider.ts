/**
 * What Autodesk's `@aps_sdk/*` clients take as `authenticationProvider`: `IAuthenticationProvider` of
 * `@aps_sdk/autodesk-sdkmanager` 1.0.1, matched structurally so that this package needs no SDK at run time.
 *
 * @example
 * ```ts
 * const auth: ApsAuthenticationProvider = ssaAuthenticationProvider();
 * const token = await auth.getAccessToken(['bucket:read']);
 * ```
 */
export interface ApsAuthenticationProvider {
  /** A valid access token: for exactly `scopes` when given, else for the provider's scopes. */
  getAccessToken(scopes?: string[]): Promise<string>;
}

/**
 * The part of an `@aps_sdk/autodesk-sdkmanager` `SdkManager` the adapter reads: where the SDK sends its requests.
 *
 * @example
 * ```ts
 * const sdkManager: SdkManagerLike = SdkManagerBuilder.create().build();
 * ```
 */
export interface SdkManagerLike {
  readonly apsConfiguration: { readonly baseAddress: URL | string };
}
