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
