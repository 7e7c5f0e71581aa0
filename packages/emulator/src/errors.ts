/**
 * A bad option given to `startEmulator`, `faults.inject` or the control endpoints.
 *
 * @example
 * ```ts
 * try { await startEmulator({ prot: 0 } as never); } catch (e) { if (e instanceof EmulatorOptionError) console.error(e.message); }
 * ```
 */
export class EmulatorOptionError extends TypeError {
  readonly code = 'ERR_EMULATOR_OPTION';
  override name = 'EmulatorOptionError';
}

/**
 * A state operation that cannot be done: an unknown client, service account or key.
 * `code` is the APS-style reason (`not_found`), so the admin endpoints can map it to the APS body.
 *
 * @example
 * ```ts
 * try { emulator.state.setKeyStatus('nope', 'DISABLED'); } catch (e) { if (e instanceof EmulatorStateError) e.code; // 'not_found'
 * }
 * ```
 */
export class EmulatorStateError extends Error {
  override name = 'EmulatorStateError';
  constructor(
    readonly code: 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The intercept switch (`--import @aps-ssa/emulator/register`) refused a connection: `ERR_EMULATOR_HOST_REFUSED`
 * for a host the emulator does not serve (`host` names it; nothing was sent to it), `ERR_EMULATOR_INTERCEPT_UNAVAILABLE`
 * when the emulator's intercept proxy is not set or cannot be reached.
 *
 * @example
 * ```ts
 * try { await fetch('https://example.com/'); } catch (e) { if (e.cause instanceof EmulatorInterceptError) e.cause.host; // 'example.com'
 * }
 * ```
 */
export class EmulatorInterceptError extends Error {
  override name = 'EmulatorInterceptError';
  constructor(
    readonly code: 'ERR_EMULATOR_HOST_REFUSED' | 'ERR_EMULATOR_INTERCEPT_UNAVAILABLE',
    message: string,
    readonly host?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
