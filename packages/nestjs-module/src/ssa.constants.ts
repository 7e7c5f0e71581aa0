/**
 * Injection token of the APS client that {@link SsaModule} provides: a ky instance from
 * `createApsClient()` of `@aps-ssa/core`. Prefer the `@InjectApsClient()` decorator.
 *
 * @example
 * ```ts
 * constructor(@Inject(SSA_APS_CLIENT) private readonly aps: ApsClient) {}
 * ```
 */
export const SSA_APS_CLIENT = 'SSA_APS_CLIENT';

/**
 * How long `SsaHealthIndicator.check()` waits for a token before answering `down`, in ms: a
 * health probe must answer quickly, while a cold token provider may keep retrying for its whole
 * retry budget (20 s by default).
 *
 * @default 5_000
 */
export const SSA_HEALTH_CHECK_TIMEOUT = 5_000;
